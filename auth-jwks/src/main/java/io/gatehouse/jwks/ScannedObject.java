package io.gatehouse.jwks;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JSON object {@link TokenJson#members} scanned, read as a map: {@link #get} and {@link
 * #containsKey} read one member from its bytes; anything that walks the whole map reads it all, as
 * {@link TokenJson#parse} would. For a token's header, of which a few names are asked.
 */
class ScannedObject extends AbstractMap<String, Object> {
  final byte[] json;
  private final int[] members;

  ScannedObject(byte[] json, int[] members) {
    this.json = json;
    this.members = members;
  }

  /** The object in {@code json} as a map: scanned when it can be, else as {@link TokenJson}. */
  static @Nullable Map<String, Object> read(byte[] json, int from, int to) {
    if (from == 0 && to == json.length) {
      int[] members = TokenJson.members(json, 0, to);
      if (members != null) {
        return new ScannedObject(json, members);
      }
    }
    return TokenJson.parse(json, from, to);
  }

  /**
   * Where the value of member {@code name} starts, or -1 when there is none. Names are compared by
   * hash first (a name's {@code String} keeps its hash, the scan computed each member's), so most
   * members cost one int comparison.
   */
  int valueStart(String name) {
    int hash = name.hashCode();
    for (int m = 0, count = memberCount(); m < count; m++) {
      if (nameHash(m) == hash && nameIs(m, name)) {
        return valueStartOf(m);
      }
    }
    return -1;
  }

  /** The number of members. */
  final int memberCount() {
    return members[0];
  }

  /** The {@link String#hashCode} of member {@code m}'s name. */
  final int nameHash(int m) {
    return members[3 + TokenJson.MEMBER_INTS * m];
  }

  /** Whether member {@code m}'s name is {@code name}. */
  final boolean nameIs(int m, String name) {
    return sameName(members[1 + TokenJson.MEMBER_INTS * m], name, name.length());
  }

  /** Where member {@code m}'s value starts. */
  final int valueStartOf(int m) {
    return members[2 + TokenJson.MEMBER_INTS * m];
  }

  /**
   * Whether the member name at {@code start} is {@code name}, compared byte by byte up to the
   * name's closing quote (a scanned name is ASCII without escapes, so its first quote ends it)
   * without first walking to that quote: most names differ in their first byte. Never reads past
   * the closing quote: a quote in the name stops the comparison, and the last read is at most that
   * quote.
   */
  private boolean sameName(int start, String name, int length) {
    for (int i = 0; i < length; i++) {
      byte b = json[start + i];
      if (b == '"' || b != name.charAt(i)) {
        return false;
      }
    }
    return json[start + length] == '"';
  }

  /** The first byte of a value, or {@code 'n'} (as null) when {@code start} is -1 (absent). */
  final byte kind(int start) {
    return start < 0 ? (byte) 'n' : json[start];
  }

  @Override
  public final @Nullable Object get(Object key) {
    int start = key instanceof String name ? valueStart(name) : -1;
    return start < 0 ? null : TokenJson.valueAt(json, start);
  }

  @Override
  public final boolean containsKey(Object key) {
    return key instanceof String name && valueStart(name) >= 0;
  }

  @Override
  public final int size() {
    return members[0];
  }

  /** The whole object, read now. */
  final Map<String, Object> parsed() {
    return Objects.requireNonNull(
        TokenJson.parse(json, 0, json.length), "a scanned object no longer reads");
  }

  @Override
  public final Set<Entry<String, Object>> entrySet() {
    return parsed().entrySet();
  }
}
