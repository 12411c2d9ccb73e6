package io.gatehouse.jwks;

import io.gatehouse.core.Identity;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a payload {@link TokenJson#members} scanned: only the claims the policy asks for
 * are read (each from its own bytes, dates as primitives), and the whole map is built only if the
 * application reads the identity's claims. The scan applies every rule {@link TokenJson#parse}
 * does, so each value reads as it would in that map, and {@link #all} is that map.
 */
final class ScannedClaims extends ScannedObject implements Claims, Supplier<Map<String, Object>> {

  /** The registered claims the policy reads on every token, in {@link #registered}'s order. */
  private static final String[] REGISTERED = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"};

  /**
   * Where each registered claim's value starts (-1: absent), found in one walk of the members: the
   * dozen lookups of a verify then cost no walk each.
   */
  private final int[] registered = {-1, -1, -1, -1, -1, -1, -1};

  private ScannedClaims(byte[] payload, int[] members) {
    super(payload, members);
    for (int m = 0, count = memberCount(); m < count; m++) {
      int slot = registeredSlot(nameHash(m));
      if (slot >= 0 && nameIs(m, REGISTERED[slot])) {
        registered[slot] = valueStartOf(m);
      }
    }
  }

  /**
   * The slot of the registered claim whose name has this {@link String#hashCode}, or -1: one jump
   * per member (the constants are the names' hashes; ScannedClaimsTest checks them).
   */
  static int registeredSlot(int nameHash) {
    return switch (nameHash) {
      case 104585 -> 0; // iss
      case 114240 -> 1; // sub
      case 96944 -> 2; // aud
      case 100893 -> 3; // exp
      case 108850 -> 4; // nbf
      case 104028 -> 5; // iat
      case 105567 -> 6; // jti
      default -> -1;
    };
  }

  /** The registered claim names, in slot order; for tests. */
  static String[] registeredNames() {
    return REGISTERED.clone();
  }

  @Override
  int valueStart(String name) {
    int slot = registeredSlot(name.hashCode());
    return slot >= 0 && REGISTERED[slot].equals(name) ? registered[slot] : super.valueStart(name);
  }

  /** The scanned claims of {@code payload}, or null when it must be parsed the usual way. */
  static @Nullable ScannedClaims scan(byte[] payload) {
    int[] members = TokenJson.members(payload, 0, payload.length);
    return members == null ? null : new ScannedClaims(payload, members);
  }

  @Override
  public @Nullable Object value(String name) {
    return get(name);
  }

  @Override
  public boolean has(String name) {
    return kind(valueStart(name)) != 'n';
  }

  @Override
  public @Nullable String string(String name) throws WrongType {
    int start = valueStart(name);
    byte kind = kind(start);
    if (kind == 'n') {
      return null;
    }
    if (kind != '"') {
      throw WrongType.INSTANCE;
    }
    return (String) TokenJson.valueAt(json, start);
  }

  @Override
  public long date(String name, long absent) throws WrongType {
    int start = valueStart(name);
    byte kind = kind(start);
    if (kind == 'n') {
      return absent;
    }
    // The scan let through integers only (of at most 18 digits): anything else is not a number.
    if (kind != '-' && (kind < '0' || kind > '9')) {
      throw WrongType.INSTANCE;
    }
    return TokenJson.longAt(json, start);
  }

  @Override
  public List<String> audience() throws WrongType {
    Object value = value("aud");
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text) {
      return Collections.singletonList(text);
    }
    return Claims.of(Map.of("aud", value)).audience();
  }

  @Override
  public boolean audienceIn(Set<String> accepted) throws WrongType {
    int start = valueStart("aud");
    // A single audience, the usual case: no list around it.
    return kind(start) == '"'
        ? accepted.contains(TokenJson.valueAt(json, start))
        : Claims.super.audienceIn(accepted);
  }

  /**
   * Where the text of string claim {@code name} starts, when that text is printable ASCII with no
   * escape (its bytes are its characters, up to the closing quote); else -1.
   */
  int plainAsciiText(String name) {
    int start = valueStart(name);
    if (kind(start) != '"') {
      return -1;
    }
    for (int i = start + 1; i < json.length; i++) {
      byte b = json[i];
      if (b == '"') {
        return start + 1;
      }
      if (b == '\\' || b < 0x20) {
        return -1;
      }
    }
    return -1;
  }

  @Override
  public Map<String, Object> all() {
    return parsed();
  }

  /** The whole claims map, for the identity's lazy claims. */
  @Override
  public Map<String, Object> get() {
    return parsed();
  }

  @Override
  public Map<String, Object> forIdentity() {
    return Identity.lazyClaims(this);
  }
}
