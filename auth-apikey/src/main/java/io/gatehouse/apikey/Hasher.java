package io.gatehouse.apikey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Hashes token text for storage and lookup: SHA-256, or HMAC-SHA256 keyed with a pepper kept out of
 * the database. One digest instance per thread, so the hot path allocates only the result.
 */
final class Hasher {
  /** Shortest pepper accepted: 256 bits, like any HMAC-SHA256 key. */
  static final int MIN_PEPPER_BYTES = 32;

  private final @Nullable SecretKeySpec pepper;
  private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(Hasher::newSha256);
  private final ThreadLocal<Mac> hmac;

  Hasher(byte @Nullable [] pepper) {
    if (pepper != null && pepper.length < MIN_PEPPER_BYTES) {
      throw new IllegalArgumentException(
          "the pepper must have at least " + MIN_PEPPER_BYTES + " bytes, got " + pepper.length);
    }
    this.pepper = pepper == null ? null : new SecretKeySpec(pepper, "HmacSHA256");
    SecretKeySpec key = this.pepper;
    this.hmac = ThreadLocal.withInitial(() -> newHmac(key));
    if (key != null) {
      var unused = hmac.get(); // fail at build time, not on the first request
    }
  }

  TokenHash hash(String token) {
    return hash(token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The hash of a token's UTF-8 bytes (for a valid Gatehouse token, {@link TokenCodec#bytesOf}).
   */
  TokenHash hash(byte[] bytes) {
    byte[] digest = pepper == null ? sha256.get().digest(bytes) : hmac.get().doFinal(bytes);
    return TokenHash.wrap(digest);
  }

  boolean peppered() {
    return pepper != null;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static Mac newHmac(@Nullable SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      if (key != null) {
        mac.init(key);
      }
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has HmacSHA256", e);
    }
  }
}
