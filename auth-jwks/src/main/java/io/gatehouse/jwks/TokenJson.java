package io.gatehouse.jwks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a token's header or claims straight from the decoded UTF-8 bytes, in one pass, to the same
 * values jose4j's parser gives for the text (maps in member order, {@link String}, {@link Long},
 * {@link Boolean}, {@link List}, null). It reads plain JSON only: an object at the root, strings
 * with the standard escapes, integers of at most 18 digits without a leading zero, {@code
 * true}/{@code false}/{@code null}, space/tab/CR/LF between tokens, nesting at most {@value
 * #MAX_DEPTH} deep. Anything else (fractions, exponents, big integers, raw control characters,
 * non-ASCII outside a string, a repeated member name, invalid JSON) is handed, whole, to {@link
 * JsonObjects#parse} (jose4j's parser and rules), so the answer on such input is jose4j's by
 * construction: a repeated name or a non-object is still refused there. Common names and header
 * values ({@code iss}, {@code alg}, {@code HS256}...) come back as constants, not new strings.
 */
final class TokenJson {
  static final int MAX_DEPTH = 32;

  /** Not plain JSON: jose4j's parser decides. Preallocated, no stack trace. */
  private static final class Unsure extends Exception {
    private static final long serialVersionUID = 1L;

    Unsure() {
      super(null, null, false, false);
    }
  }

  // Stackless and immutable: one instance serves every fallback, with nothing to allocate.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  private static final Unsure UNSURE = new Unsure();

  private static final String[] COMMON = {
    "alg",
    "typ",
    "kid",
    "cty",
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "azp",
    "scp",
    "JWT",
    "jwt",
    "at+jwt",
    "scope",
    "roles",
    "email",
    "name",
    "tenant",
    "client_id",
    "sid",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
    "HS256",
    "HS384",
    "HS512",
    "permissions",
    "groups",
    "nonce",
    "auth_time",
    "acr",
    "amr"
  };

  /** {@link #COMMON} by length, then as ASCII bytes. */
  private static final byte[][][] COMMON_BYTES = new byte[16][][];

  private static final String[][] COMMON_BY_LENGTH = new String[16][];

  static {
    for (int length = 0; length < 16; length++) {
      List<String> names = new ArrayList<>();
      for (String name : COMMON) {
        if (name.length() == length) {
          names.add(name);
        }
      }
      COMMON_BY_LENGTH[length] = names.toArray(String[]::new);
      COMMON_BYTES[length] =
          names.stream().map(n -> n.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    }
  }

  private final byte[] bytes;
  private final int end;
  private int at;

  private TokenJson(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.at = from;
    this.end = to;
  }

  /** The JSON object in {@code bytes[from, to)}, or null when it is not one (as jose4j says). */
  static @Nullable Map<String, Object> parse(byte[] bytes, int from, int to) {
    try {
      TokenJson reader = new TokenJson(bytes, from, to);
      reader.skipSpace();
      Map<String, Object> object = reader.object(0);
      reader.skipSpace();
      if (reader.at != to) {
        throw UNSURE;
      }
      return object;
    } catch (Unsure unsure) {
      return JsonObjects.parse(new String(bytes, from, to - from, StandardCharsets.UTF_8));
    }
  }

  private void skipSpace() {
    while (at < end) {
      byte b = bytes[at];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      at++;
    }
  }

  private byte next() throws Unsure {
    if (at >= end) {
      throw UNSURE;
    }
    return bytes[at++];
  }

  private Map<String, Object> object(int depth) throws Unsure {
    if (depth >= MAX_DEPTH || next() != '{') {
      throw UNSURE;
    }
    // Room for 6 members before a resize: a typical header, or a token's registered claims.
    Map<String, Object> map = new LinkedHashMap<>(8);
    skipSpace();
    if (at < end && bytes[at] == '}') {
      at++;
      return map;
    }
    while (true) {
      skipSpace();
      if (next() != '"') {
        throw UNSURE;
      }
      String name = string();
      skipSpace();
      if (next() != ':') {
        throw UNSURE;
      }
      skipSpace();
      Object value = value(depth);
      if (map.containsKey(name)) {
        // jose4j refuses a repeated name: let it say so.
        throw UNSURE;
      }
      map.put(name, value);
      skipSpace();
      byte b = next();
      if (b == '}') {
        return map;
      }
      if (b != ',') {
        throw UNSURE;
      }
    }
  }

  private List<Object> array(int depth) throws Unsure {
    if (depth >= MAX_DEPTH) {
      throw UNSURE;
    }
    at++; // '['
    List<Object> list = new ArrayList<>();
    skipSpace();
    if (at < end && bytes[at] == ']') {
      at++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value(depth));
      skipSpace();
      byte b = next();
      if (b == ']') {
        return list;
      }
      if (b != ',') {
        throw UNSURE;
      }
    }
  }

  private @Nullable Object value(int depth) throws Unsure {
    if (at >= end) {
      throw UNSURE;
    }
    byte b = bytes[at];
    switch (b) {
      case '"' -> {
        at++;
        return string();
      }
      case '{' -> {
        return object(depth + 1);
      }
      case '[' -> {
        return array(depth + 1);
      }
      case 't' -> {
        literal("true");
        return true;
      }
      case 'f' -> {
        literal("false");
        return false;
      }
      case 'n' -> {
        literal("null");
        return null;
      }
      default -> {
        return number();
      }
    }
  }

  private Long number() throws Unsure {
    return numberValue();
  }

  private void literal(String word) throws Unsure {
    if (end - at < word.length()) {
      throw UNSURE;
    }
    for (int i = 0; i < word.length(); i++) {
      if (bytes[at + i] != word.charAt(i)) {
        throw UNSURE;
      }
    }
    at += word.length();
    // "truex" is not a literal: what follows must end the value.
    if (at < end && Character.isLetterOrDigit(bytes[at])) {
      throw UNSURE;
    }
  }

  /** An integer of 1-18 digits with no leading zero; anything else is jose4j's to read. */
  private long numberValue() throws Unsure {
    boolean negative = bytes[at] == '-';
    int start = negative ? at + 1 : at;
    int i = start;
    long value = 0;
    while (i < end && bytes[i] >= '0' && bytes[i] <= '9') {
      value = value * 10 + (bytes[i] - '0');
      i++;
    }
    int digits = i - start;
    if (digits == 0
        || digits > 18
        || (digits > 1 && bytes[start] == '0')
        || (i < end && (bytes[i] == '.' || bytes[i] == 'e' || bytes[i] == 'E'))) {
      throw UNSURE;
    }
    at = i;
    return negative ? -value : value;
  }

  /**
   * Scans the object in {@code bytes[from, to)} without building it, by the same rules as {@link
   * #parse} (a nested object is read and dropped, so its rules are checked exactly), and returns
   * where its members are: {@code [count, nameStart, valueStart, nameHash, ...]} (a name ends at
   * the next quote: it has no escape; a value where it reads to; the hash is {@link
   * String#hashCode} of the name, so a lookup compares one int per member before any byte). Null
   * when {@link #parse} would not read it alone, or when a member name has an escape or a non-ASCII
   * byte: the caller then parses the whole object the usual way.
   */
  static int @Nullable [] members(byte[] bytes, int from, int to) {
    try {
      TokenJson reader = new TokenJson(bytes, from, to);
      reader.skipSpace();
      int[] members = reader.scanObject();
      reader.skipSpace();
      return reader.at == to ? members : null;
    } catch (Unsure unsure) {
      return null;
    }
  }

  /** The value at {@code bytes[from]}, a value start {@link #members} gave. */
  static @Nullable Object valueAt(byte[] bytes, int from) {
    if (bytes[from] == '"') {
      // A string without escapes, the usual value: read without a reader object.
      for (int i = from + 1; i < bytes.length; i++) {
        byte b = bytes[i];
        if (b == '"') {
          return recent(bytes, from + 1, i - from - 1);
        }
        if (b == '\\' || b < 0x20) {
          break;
        }
      }
    }
    try {
      return new TokenJson(bytes, from, bytes.length).value(0);
    } catch (Unsure unsure) {
      throw new IllegalStateException("a scanned value no longer reads", unsure);
    }
  }

  /** The integer at {@code bytes[from]}, a number's start {@link #members} gave. */
  static long longAt(byte[] bytes, int from) {
    // The scan checked it: 1-18 digits, maybe after a minus sign.
    boolean negative = bytes[from] == '-';
    long value = 0;
    for (int i = negative ? from + 1 : from; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b < '0' || b > '9') {
        break;
      }
      value = value * 10 + (b - '0');
    }
    return negative ? -value : value;
  }

  private int[] scanObject() throws Unsure {
    if (next() != '{') {
      throw UNSURE;
    }
    // Room for one member per 16 bytes, at most 8 to start: a header's two or three members,
    // a token's registered claims, without a resize.
    int[] members = new int[1 + MEMBER_INTS * Math.min(8, (end - at) / 16 + 1)];
    skipSpace();
    if (at < end && bytes[at] == '}') {
      at++;
      return members;
    }
    while (true) {
      skipSpace();
      if (next() != '"') {
        throw UNSURE;
      }
      int nameStart = at;
      int nameEnd = plainName();
      int hash = nameHash;
      skipSpace();
      if (next() != ':') {
        throw UNSURE;
      }
      skipSpace();
      int valueStart = at;
      skipValue(0);
      int count = members[0];
      for (int m = 0; m < count; m++) {
        int other = members[1 + MEMBER_INTS * m];
        // Names of different hashes differ: no walk to the other's end for most pairs.
        if (members[3 + MEMBER_INTS * m] == hash
            && java.util.Arrays.equals(
                bytes, other, nameEnd(bytes, other), bytes, nameStart, nameEnd)) {
          // jose4j refuses a repeated name: let it say so.
          throw UNSURE;
        }
      }
      if (1 + MEMBER_INTS * (count + 1) > members.length) {
        members = java.util.Arrays.copyOf(members, 1 + MEMBER_INTS * count * 2);
      }
      members[1 + MEMBER_INTS * count] = nameStart;
      members[2 + MEMBER_INTS * count] = valueStart;
      members[3 + MEMBER_INTS * count] = hash;
      members[0] = count + 1;
      skipSpace();
      byte b = next();
      if (b == '}') {
        return members;
      }
      if (b != ',') {
        throw UNSURE;
      }
    }
  }

  /** Where the scanned name starting at {@code start} ends (its closing quote). */
  static int nameEnd(byte[] bytes, int start) {
    int i = start;
    while (bytes[i] != '"') {
      i++;
    }
    return i;
  }

  /** The ints {@link #members} gives per member: name start, value start, name hash. */
  static final int MEMBER_INTS = 3;

  /** The {@link String#hashCode} of the name {@link #plainName} read last. */
  private int nameHash;

  /**
   * A member name of printable ASCII without escapes, whose quote was just read; its end. Its hash,
   * as its {@code String} would compute it, goes to {@link #nameHash}.
   */
  private int plainName() throws Unsure {
    int hash = 0;
    for (int i = at; i < end; i++) {
      byte b = bytes[i];
      if (b == '"') {
        at = i + 1;
        nameHash = hash;
        return i;
      }
      if (b == '\\' || b < 0x20) {
        throw UNSURE;
      }
      hash = 31 * hash + b;
    }
    throw UNSURE;
  }

  /** Checks a value as {@link #value} would read it, building nothing but nested objects. */
  private void skipValue(int depth) throws Unsure {
    if (at >= end) {
      throw UNSURE;
    }
    switch (bytes[at]) {
      case '"' -> {
        at++;
        skipString();
      }
      case '{' -> object(depth + 1);
      case '[' -> skipArray(depth + 1);
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> numberValue();
    }
  }

  private void skipArray(int depth) throws Unsure {
    if (depth >= MAX_DEPTH) {
      throw UNSURE;
    }
    at++; // '['
    skipSpace();
    if (at < end && bytes[at] == ']') {
      at++;
      return;
    }
    while (true) {
      skipSpace();
      skipValue(depth);
      skipSpace();
      byte b = next();
      if (b == ']') {
        return;
      }
      if (b != ',') {
        throw UNSURE;
      }
    }
  }

  /** Checks a string whose opening quote was just read by the rules of {@link #escaped}. */
  private void skipString() throws Unsure {
    int i = at;
    while (i < end) {
      byte b = bytes[i];
      if (b == '"') {
        at = i + 1;
        return;
      }
      if (b >= 0 && b < 0x20) {
        throw UNSURE;
      }
      if (b != '\\') {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        throw UNSURE;
      }
      byte e = bytes[i + 1];
      i += 2;
      switch (e) {
        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
        case 'u' -> {
          if (end - i < 4) {
            throw UNSURE;
          }
          for (int h = 0; h < 4; h++) {
            if (Character.digit(bytes[i + h], 16) < 0) {
              throw UNSURE;
            }
          }
          i += 4;
        }
        default -> throw UNSURE;
      }
    }
    throw UNSURE;
  }

  /** The string whose opening quote was just read. */
  private String string() throws Unsure {
    int start = at;
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b == '"') {
        at = i + 1;
        return plain(start, i - start);
      }
      if (b == '\\' || b < 0x20) {
        // An escape, a raw control character or a non-ASCII byte (negative): the slow way.
        return escaped(start);
      }
    }
    throw UNSURE;
  }

  /** ASCII text with no escape: a constant when it is a common name, else a Latin-1 copy. */
  private String plain(int start, int length) {
    return plain(bytes, start, length);
  }

  /** The longest text {@link #recent} keeps. */
  private static final int MAX_RECENT_LENGTH = 64;

  private static final int RECENT_SLOTS = 16;

  /** One thread's recently read values, by slot: their text and its bytes. */
  private static final class Recent {
    final String[] texts = new String[RECENT_SLOTS];
    final byte[][] bytes = new byte[RECENT_SLOTS][];
  }

  /**
   * Each thread's recently read claim values (one per slot, by length and first and last bytes):
   * the tokens of one issuer repeat its {@code iss} and {@code aud}, and a user's tokens their
   * {@code sub}, so a repeated value is the same {@code String} as last time (no new string, and
   * its hash, which the issuer and audience lookups need, already computed).
   */
  private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

  /**
   * {@link #plain}, for a scanned claim value: the thread's last value of the same slot when its
   * bytes are these (compared as bytes, the JDK's vectorised comparison).
   */
  static String recent(byte[] bytes, int start, int length) {
    if (length == 0 || length > MAX_RECENT_LENGTH) {
      return plain(bytes, start, length);
    }
    int slot = (length * 31 + bytes[start] + bytes[start + length - 1] * 7) & (RECENT_SLOTS - 1);
    Recent recent = RECENT.get();
    byte[] last = recent.bytes[slot];
    if (last != null
        && java.util.Arrays.equals(last, 0, last.length, bytes, start, start + length)) {
      return recent.texts[slot];
    }
    String text = plain(bytes, start, length);
    recent.texts[slot] = text;
    recent.bytes[slot] = java.util.Arrays.copyOfRange(bytes, start, start + length);
    return text;
  }

  static String plain(byte[] bytes, int start, int length) {
    String common = common(bytes, start, length);
    return common != null ? common : new String(bytes, start, length, StandardCharsets.ISO_8859_1);
  }

  /** The {@link #COMMON} name whose bytes are {@code bytes[start, start + length)}, or null. */
  private static @Nullable String common(byte[] bytes, int start, int length) {
    if (length < COMMON_BYTES.length) {
      byte[][] candidates = COMMON_BYTES[length];
      for (int c = 0; c < candidates.length; c++) {
        // Most candidates differ in their first byte: compared first, before the whole name.
        if (candidates[c][0] == bytes[start]
            && java.util.Arrays.equals(bytes, start, start + length, candidates[c], 0, length)) {
          return COMMON_BY_LENGTH[length][c];
        }
      }
    }
    return null;
  }

  /**
   * A string with escapes or non-ASCII bytes. Each run of raw bytes is decoded as UTF-8 on its own:
   * the decoder never takes an ASCII byte into a malformed sequence, so this gives the same text as
   * decoding the whole document first.
   */
  private String escaped(int start) throws Unsure {
    StringBuilder out = new StringBuilder(Math.max(16, end - start));
    int run = start;
    int i = start;
    while (i < end) {
      byte b = bytes[i];
      if (b == '"') {
        out.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
        at = i + 1;
        return out.toString();
      }
      if (b >= 0 && b < 0x20) {
        throw UNSURE;
      }
      if (b != '\\') {
        i++;
        continue;
      }
      out.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
      if (i + 1 >= end) {
        throw UNSURE;
      }
      byte e = bytes[i + 1];
      i += 2;
      switch (e) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '/' -> out.append('/');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (end - i < 4) {
            throw UNSURE;
          }
          int code = 0;
          for (int h = 0; h < 4; h++) {
            int digit = Character.digit(bytes[i + h], 16);
            if (digit < 0) {
              throw UNSURE;
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
          i += 4;
        }
        default -> throw UNSURE;
      }
      run = i;
    }
    throw UNSURE;
  }
}
