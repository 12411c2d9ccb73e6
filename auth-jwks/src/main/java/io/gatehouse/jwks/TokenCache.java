package io.gatehouse.jwks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatehouse.core.AuthOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Tokens that verified, keyed by their SHA-256 (the token itself is never kept), each expiring at
 * its {@code exp} and dropped when its key leaves the JWKS. A hit still re-checks time claims and
 * that the issuer configuration and the key source are unchanged and usable.
 */
final class TokenCache {

  /** SHA-256 of a token: 256 bits as four longs, cheap to compare and hash. */
  record TokenHash(long a, long b, long c, long d) {}

  /** The hash used when the cache is off: nothing is stored, so the token is not hashed. */
  static final TokenHash NO_HASH = new TokenHash(0, 0, 0, 0);

  /**
   * A verified token.
   *
   * @param space the space it was verified for
   * @param issuer the issuer configuration it was verified against
   * @param source the JWKS source of its key, or null for a shared secret
   * @param kid its key id ({@link KeySet#NO_KID} when none)
   * @param exp its expiry, epoch seconds
   * @param nbf its not-before, epoch seconds, or {@link Long#MIN_VALUE}
   * @param outcome the success outcome, already completed
   */
  record Entry(
      String space,
      IssuerConfig issuer,
      @Nullable JwksSource source,
      String kid,
      long exp,
      long nbf,
      CompletableFuture<AuthOutcome> outcome) {}

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is required of every JVM", e);
            }
          });

  private final @Nullable Cache<TokenHash, Entry> cache;

  TokenCache(long maximumSize, Clock clock) {
    this.cache =
        maximumSize <= 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new UntilExpiry(clock))
                .executor(Runnable::run)
                .build();
  }

  static TokenHash hash(String token) {
    MessageDigest digest = SHA256.get();
    byte[] bytes = digest.digest(token.getBytes(StandardCharsets.UTF_8));
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new TokenHash(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
  }

  /** Whether tokens are cached at all (a maximum size above zero). */
  boolean enabled() {
    return cache != null;
  }

  @Nullable Entry get(TokenHash hash) {
    return cache == null ? null : cache.getIfPresent(hash);
  }

  void put(TokenHash hash, Entry entry) {
    if (cache != null) {
      cache.put(hash, entry);
    }
  }

  void invalidate(TokenHash hash) {
    if (cache != null) {
      cache.invalidate(hash);
    }
  }

  /** Drops every token verified with one of {@code kids} of {@code source}. */
  void keysRemoved(JwksSource source, Set<String> kids) {
    if (cache != null) {
      cache.asMap().values().removeIf(e -> e.source() == source && kids.contains(e.kid()));
    }
  }

  long size() {
    return cache == null ? 0 : cache.estimatedSize();
  }

  /** Each entry lives until its token's {@code exp}. */
  private static final class UntilExpiry implements Expiry<TokenHash, Entry> {
    private final Clock clock;

    UntilExpiry(Clock clock) {
      this.clock = clock;
    }

    private long untilExp(Entry entry) {
      // Saturating: an absurd exp must not wrap around into a short or negative lifetime.
      long expMillis =
          entry.exp() >= Long.MAX_VALUE / 1000
              ? Long.MAX_VALUE
              : Math.max(entry.exp(), Long.MIN_VALUE / 1000) * 1000;
      long now = clock.millis();
      return expMillis <= now ? 0 : TimeUnit.MILLISECONDS.toNanos(expMillis - now);
    }

    @Override
    public long expireAfterCreate(TokenHash key, Entry value, long currentTime) {
      return untilExp(value);
    }

    @Override
    public long expireAfterUpdate(
        TokenHash key, Entry value, long currentTime, long currentDuration) {
      return untilExp(value);
    }

    @Override
    public long expireAfterRead(
        TokenHash key, Entry value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
