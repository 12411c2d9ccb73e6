package io.gatehouse.apikey;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The 32-byte hash under which a token is stored: SHA-256 of the token, or HMAC-SHA256 with the
 * server's pepper. Immutable; {@link #matches} compares in constant time.
 */
public final class TokenHash {
  /** Length of a hash in bytes. */
  public static final int LENGTH = 32;

  private static final HexFormat HEX = HexFormat.of();
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private final byte[] bytes;

  private TokenHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A hash from its 32 bytes (copied). */
  public static TokenHash of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a token hash has " + LENGTH + " bytes, got " + bytes.length);
    }
    return new TokenHash(bytes.clone());
  }

  /** A hash from its 64 lower-case hex digits, as stores keep it. */
  public static TokenHash fromHex(String hex) {
    if (hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException(
          "a token hash has " + 2 * LENGTH + " hex digits, got " + hex.length());
    }
    return new TokenHash(HEX.parseHex(hex));
  }

  /** Wraps a freshly computed digest without copying it. */
  static TokenHash wrap(byte[] digest) {
    return new TokenHash(digest);
  }

  /** The 64 lower-case hex digits. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  /**
   * Constant-time comparison, like {@link MessageDigest#isEqual}: every byte of both hashes is read
   * whatever differs, and the differences are OR-ed, with no early exit. Both are always {@link
   * #LENGTH} bytes, so this reads them 8 at a time: 4 loads and XORs instead of a 32-step loop (it
   * is on every cached token check).
   */
  public boolean matches(@Nullable TokenHash other) {
    if (other == null) {
      return false;
    }
    long difference = 0;
    for (int i = 0; i < LENGTH; i += Long.BYTES) {
      difference |= (long) LONGS.get(bytes, i) ^ (long) LONGS.get(other.bytes, i);
    }
    return difference == 0;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TokenHash other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** A short fingerprint only: the hash is not a secret, but there is no reason to print it. */
  @Override
  public String toString() {
    return "TokenHash[" + hex().substring(0, 8) + "…]";
  }
}
