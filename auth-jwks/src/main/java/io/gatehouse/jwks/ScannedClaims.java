package io.gatehouse.jwks;

import io.gatehouse.core.Identity;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a payload {@link TokenJson#members} scanned: only the claims the policy asks for
 * are read (each from its own bytes, dates as primitives), and the whole map is built only if the
 * application reads the identity's claims. The scan applies every rule {@link TokenJson#parse}
 * does, so each value reads as it would in that map, and {@link #all} is that map.
 */
final class ScannedClaims implements Claims {
  private final byte[] payload;
  private final int[] members;

  private ScannedClaims(byte[] payload, int[] members) {
    this.payload = payload;
    this.members = members;
  }

  /** The scanned claims of {@code payload}, or null when it must be parsed the usual way. */
  static @Nullable ScannedClaims scan(byte[] payload) {
    int[] members = TokenJson.members(payload, 0, payload.length);
    return members == null ? null : new ScannedClaims(payload, members);
  }

  /** Where the member {@code name} is in {@link #members}, or -1. */
  private int find(String name) {
    int length = name.length();
    for (int m = 0, count = members[0]; m < count; m++) {
      int slot = 1 + 4 * m;
      int start = members[slot];
      if (members[slot + 1] - start == length && sameAscii(start, name)) {
        return slot;
      }
    }
    return -1;
  }

  /** Whether the (ASCII) name at {@code start} is {@code name}. */
  private boolean sameAscii(int start, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (payload[start + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The first byte of {@code name}'s value, or {@code 'n'} (as null) when it is absent. */
  private byte kind(int slot) {
    return slot < 0 ? (byte) 'n' : payload[members[slot + 2]];
  }

  @Override
  public @Nullable Object value(String name) {
    int slot = find(name);
    return slot < 0 ? null : TokenJson.valueAt(payload, members[slot + 2], members[slot + 3]);
  }

  @Override
  public boolean has(String name) {
    return kind(find(name)) != 'n';
  }

  @Override
  public @Nullable String string(String name) throws WrongType {
    int slot = find(name);
    byte kind = kind(slot);
    if (kind == 'n') {
      return null;
    }
    if (kind != '"') {
      throw WrongType.INSTANCE;
    }
    return (String) value(name);
  }

  @Override
  public long date(String name, long absent) throws WrongType {
    int slot = find(name);
    byte kind = kind(slot);
    if (kind == 'n') {
      return absent;
    }
    // The scan let through integers only (of at most 18 digits): anything else is not a number.
    if (kind != '-' && (kind < '0' || kind > '9')) {
      throw WrongType.INSTANCE;
    }
    return TokenJson.longAt(payload, members[slot + 2], members[slot + 3]);
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
  public Map<String, Object> all() {
    return Objects.requireNonNull(
        TokenJson.parse(payload, 0, payload.length), "a scanned payload no longer reads");
  }

  @Override
  public Map<String, Object> forIdentity() {
    return Identity.lazyClaims(this::all);
  }
}
