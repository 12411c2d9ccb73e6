package io.gatehouse.jwks;

import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses a compact JWS strictly and inspects its header before any key is looked up: exactly three
 * canonical base64url parts, a JSON object header with a supported {@code alg}, and none of the
 * header parameters that would let a token choose its own key or change how it is processed.
 */
final class JwsParser {

  /** Header parameters that carry or point at a key: the token must never choose its key. */
  private static final Set<String> KEY_CARRYING_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");

  /** The longest {@code kid} accepted. */
  static final int MAX_KID_LENGTH = 256;

  private JwsParser() {}

  /** Reads a JSON object from UTF-8 bytes, or returns null when they are not one. */
  @FunctionalInterface
  interface JsonReader {
    @Nullable Map<String, Object> read(byte[] utf8, int from, int to);
  }

  /** Parses {@code compact}, which is at most {@code maxLength} characters. */
  static ParsedJws parse(String compact, int maxLength) throws Refusal {
    return parse(compact, 0, compact.length(), maxLength, false);
  }

  /**
   * Parses {@code compact} on the reference path (the token's text checked and decoded character by
   * character, as before the one-pass scan) reading its header with jose4j's own reader; tests
   * compare the fast path with it.
   */
  static ParsedJws parseReference(String compact, int maxLength) throws Refusal {
    return parse(compact, 0, compact.length(), maxLength, true);
  }

  /**
   * Parses the token {@code text[from, to)} (an Authorization header's value past its scheme: no
   * substring of it is made). Unless {@code reference}, a token that is exactly three canonical
   * base64url parts is copied into this thread's {@link TokenBuffer} (whose bytes then are the
   * signing input) and its parts decoded from there; anything else, and every token on the
   * reference path, goes through the checks below, which say what is wrong.
   */
  static ParsedJws parse(String text, int from, int to, int maxLength, boolean reference)
      throws Refusal {
    // The reader follows the path, never the caller: a header kept in the thread's buffer is only
    // ever one the fast path's reader inspected.
    JsonReader json = reference ? Jose4jReference::json : ScannedObject::read;
    int length = to - from;
    if (length == 0) {
      throw new Refusal(Reason.MALFORMED, "empty token");
    }
    if (length > maxLength) {
      throw new Refusal(
          Reason.MALFORMED, "token longer than " + maxLength + " characters: " + length);
    }
    TokenBuffer buffer = reference ? null : TokenBuffer.mine();
    if (buffer != null && buffer.scan(text, from, to)) {
      ParsedJws scanned = fromBuffer(buffer, text, from, to, json);
      if (scanned != null) {
        return scanned;
      }
    }
    int first = text.indexOf('.', from);
    int second = first < 0 || first >= to ? -1 : text.indexOf('.', first + 1);
    if (first < 0 || first >= to || second < 0 || second >= to) {
      throw new Refusal(Reason.MALFORMED, "not a compact JWS: expected three parts");
    }
    int third = text.indexOf('.', second + 1);
    if (third >= 0 && third < to) {
      int parts = (int) text.substring(from, to).chars().filter(c -> c == '.').count() + 1;
      throw new Refusal(
          Reason.MALFORMED,
          parts == 5
              ? "encrypted tokens (JWE) are not accepted"
              : "not a compact JWS: " + parts + " parts");
    }
    requireBase64Url(text, from, first, "header");
    requireBase64Url(text, first + 1, second, "payload");
    requireBase64Url(text, second + 1, to, "signature");
    // Every character is now base64url: the parts are decoded from the text itself, with no copy
    // of the token and no substring per part.
    byte[] headerBytes = decode(text, from, first);
    byte[] payload = decode(text, first + 1, second);
    byte[] signature = decode(text, second + 1, to);
    return assemble(inspectHeader(headerBytes, json), payload, signature, text, from, second, null);
  }

  /**
   * The token {@link TokenBuffer#scan} copied, decoded from the thread's bytes, whose first part up
   * to the second dot is then the signing input; null when a part is not canonical base64url (the
   * caller's checks on the text say which). Every part is decoded, and so checked, before the
   * header is inspected: a token wrong in both ways is refused for its encoding on either path.
   */
  private static @Nullable ParsedJws fromBuffer(
      TokenBuffer buffer, String text, int from, int to, JsonReader json) throws Refusal {
    int first = buffer.first;
    int second = buffer.second;
    byte[] payload = decodePart(buffer, first + 1, second);
    if (payload == null) {
      return null;
    }
    byte[] signature = decodePart(buffer, second + 1, to - from);
    if (signature == null) {
      return null;
    }
    // Tokens of one issuer share their header's text: the thread's last header, already decoded
    // and inspected, serves again when the text is the same (inspection depends on nothing else).
    Header header = buffer.sameHeader(first);
    if (header == null) {
      byte[] headerBytes = decodePart(buffer, 0, first);
      if (headerBytes == null) {
        return null;
      }
      header = inspectHeader(headerBytes, json);
      buffer.rememberHeader(first, header);
    }
    return assemble(header, payload, signature, text, from, from + second, buffer);
  }

  /** A header that passed inspection: the header, its algorithm and its key id, if any. */
  record Header(Map<String, Object> map, String alg, @Nullable String kid) {}

  /** The parsed token, once its header passed. */
  private static ParsedJws assemble(
      Header header,
      byte[] payload,
      byte[] signature,
      String text,
      int from,
      int signingInputEnd,
      @Nullable TokenBuffer scanned)
      throws Refusal {
    if (signature.length == 0) {
      throw new Refusal(Reason.BAD_SIGNATURE, "the token has no signature");
    }
    return new ParsedJws(
        header.map(),
        header.alg(),
        header.kid(),
        payload,
        text,
        from,
        signingInputEnd,
        signature,
        scanned);
  }

  /** Reads and inspects the decoded header. */
  private static Header inspectHeader(byte[] headerBytes, JsonReader json) throws Refusal {
    if (headerBytes.length == 0) {
      throw new Refusal(Reason.MALFORMED, "empty header");
    }
    Map<String, Object> header = parseJsonObject(headerBytes, "header", json);
    String alg = inspectHeaderMembers(header);
    Object kidValue = header.get("kid");
    String kid = null;
    if (kidValue != null) {
      if (!(kidValue instanceof String kidText) || kidText.length() > MAX_KID_LENGTH) {
        throw new Refusal(Reason.MALFORMED, "kid must be a string of at most 256 characters");
      }
      kid = kidText;
    }
    return new Header(header, alg, kid);
  }

  /** Checks the header and returns its algorithm. */
  private static String inspectHeaderMembers(Map<String, Object> header) throws Refusal {
    Object algValue = header.get("alg");
    if (!(algValue instanceof String alg)) {
      throw new Refusal(Reason.MALFORMED, "header has no alg");
    }
    // Lower-casing never shortens a string: only a 4-character alg can read as "none".
    if (alg.length() == 4 && alg.toLowerCase(Locale.ROOT).equals("none")) {
      throw new Refusal(Reason.BAD_SIGNATURE, "unsigned tokens (alg none) are not accepted");
    }
    if (header.containsKey("enc")) {
      throw new Refusal(Reason.MALFORMED, "encrypted tokens (JWE) are not accepted");
    }
    if (!Algorithms.isSupported(alg)) {
      throw new Refusal(Reason.BAD_SIGNATURE, "algorithm '" + Redact.safe(alg) + "' not accepted");
    }
    for (String name : KEY_CARRYING_HEADERS) {
      if (header.containsKey(name)) {
        throw new Refusal(
            Reason.MALFORMED,
            "header parameter '" + name + "' is not accepted: keys are configured");
      }
    }
    if (header.containsKey("crit")) {
      // No extension is understood, so every critical one is unknown (RFC 7515 section 4.1.11).
      throw new Refusal(Reason.MALFORMED, "critical header extensions are not supported");
    }
    if (header.containsKey("b64")) {
      throw new Refusal(Reason.MALFORMED, "unencoded payloads (b64) are not accepted");
    }
    Object cty = header.get("cty");
    if (cty instanceof String contentType && contentType.equalsIgnoreCase("JWT")) {
      throw new Refusal(Reason.MALFORMED, "nested tokens are not accepted");
    }
    return alg;
  }

  static Map<String, Object> parseJsonObject(byte[] json, String what, JsonReader reader)
      throws Refusal {
    Map<String, Object> map = reader.read(json, 0, json.length);
    if (map == null) {
      throw new Refusal(Reason.MALFORMED, what + " is not a JSON object");
    }
    return map;
  }

  /**
   * Decodes {@code text[from, to)}, already checked by {@link #requireBase64Url} (canonical
   * unpadded base64url), straight into an array of the decoded length.
   */
  private static byte[] decode(String text, int from, int to) {
    int length = to - from;
    byte[] out = new byte[length * 3 / 4];
    int o = 0;
    int i = from;
    for (; i + 4 <= to; i += 4) {
      int bits =
          sextet(text.charAt(i)) << 18
              | sextet(text.charAt(i + 1)) << 12
              | sextet(text.charAt(i + 2)) << 6
              | sextet(text.charAt(i + 3));
      out[o++] = (byte) (bits >> 16);
      out[o++] = (byte) (bits >> 8);
      out[o++] = (byte) bits;
    }
    int left = to - i;
    if (left >= 2) {
      int bits = sextet(text.charAt(i)) << 18 | sextet(text.charAt(i + 1)) << 12;
      if (left == 3) {
        bits |= sextet(text.charAt(i + 2)) << 6;
      }
      out[o++] = (byte) (bits >> 16);
      if (left == 3) {
        out[o] = (byte) (bits >> 8);
      }
    }
    return out;
  }

  private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

  /**
   * Decodes part {@code [from, to)} of the token {@link TokenBuffer#scan} copied (no padding in it)
   * with the JDK's decoder, which is vectorised where the JDK has an intrinsic for it; null when
   * the part is not canonical unpadded base64url (a byte outside the alphabet, an impossible
   * length, or unused bits set in its last character), as {@link #requireBase64Url} would refuse
   * it.
   */
  // The decoder returns a wrap of the array it decoded into: whole, from offset 0 (checked).
  @SuppressWarnings("ByteBufferBackingArray")
  private static byte @Nullable [] decodePart(TokenBuffer buffer, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return new byte[0];
    }
    // The JDK's decoder ignores the last character's unused bits: else two texts would decode
    // alike. Set ones, or a last byte outside the alphabet (-1), are refused here.
    if (length % 4 == 1 || (SEXTETS[buffer.ascii[to - 1] & 0xff] & unusedBits(length)) != 0) {
      return null;
    }
    try {
      ByteBuffer decoded = BASE64URL.decode(buffer.part(from, to));
      byte[] bytes = decoded.array();
      return decoded.arrayOffset() == 0 && decoded.remaining() == bytes.length ? bytes : null;
    } catch (IllegalArgumentException outsideTheAlphabet) {
      return null;
    }
  }

  /**
   * The bits canonical unpadded base64url of {@code length} leaves unused in its last character.
   */
  private static int unusedBits(int length) {
    return switch (length % 4) {
      case 2 -> 0xf;
      case 3 -> 0x3;
      default -> 0;
    };
  }

  /**
   * Checks that {@code text[from, to)} is canonical unpadded base64url: the alphabet only, no
   * padding, no impossible length, and zero unused bits in the last character.
   */
  static void requireBase64Url(String text, int from, int to, String what) throws Refusal {
    int length = to - from;
    if (length % 4 == 1) {
      throw new Refusal(Reason.MALFORMED, what + " is not base64url");
    }
    for (int i = from; i < to; i++) {
      if (sextet(text.charAt(i)) < 0) {
        throw new Refusal(Reason.MALFORMED, what + " is not base64url");
      }
    }
    if (length > 0) {
      int last = sextet(text.charAt(to - 1));
      int unusedBits = length % 4 == 2 ? 4 : length % 4 == 3 ? 2 : 0;
      if ((last & ((1 << unusedBits) - 1)) != 0) {
        throw new Refusal(Reason.MALFORMED, what + " is not canonical base64url");
      }
    }
  }

  private static final byte[] SEXTETS = new byte[256];

  static {
    java.util.Arrays.fill(SEXTETS, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      SEXTETS[alphabet.charAt(i)] = (byte) i;
    }
  }

  /** The base64url value of {@code c}, or -1 when it is not in the alphabet. */
  private static int sextet(int c) {
    return c >= 0 && c < 128 ? SEXTETS[c] : -1;
  }

  /** Reads a header's string value, or null. */
  static @Nullable String string(Map<String, Object> map, String name) {
    Object value = map.get(name);
    return value instanceof String text ? text : null;
  }
}
