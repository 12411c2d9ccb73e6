package io.gatehouse.usage;

import io.gatehouse.core.RateLimitState;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's buckets: one per token and rate limit, created full when first used or when the
 * token's limits change, and kept while the process runs (one small entry per token that was used).
 */
final class LocalBuckets {
  private final TimeMeter meter;
  private final ConcurrentHashMap<String, TokenBuckets> byToken = new ConcurrentHashMap<>();

  LocalBuckets(TimeMeter meter) {
    this.meter = meter;
  }

  /** A token's buckets under the limits they were made for. */
  private static final class TokenBuckets {
    private final String space;
    private final LimitSource.Active active;
    private final Bucket[] buckets;

    TokenBuckets(String space, LimitSource.Active active, Bucket[] buckets) {
      this.space = space;
      this.active = active;
      this.buckets = buckets;
    }

    boolean madeFor(String otherSpace, LimitSource.Active other) {
      return active.equals(other) && space.equals(otherSpace);
    }
  }

  UsageLimiter.RateCheck consume(String space, String tokenId, LimitSource.Active active) {
    List<RateLimit> rates = active.limits().rates();
    if (rates.isEmpty()) {
      return new UsageLimiter.RateCheck(null, null);
    }
    Bucket[] buckets = bucketsOf(space, tokenId, active);
    RateLimitState tightest = null;
    for (int i = 0; i < buckets.length; i++) {
      ConsumptionProbe probe = buckets[i].tryConsumeAndReturnRemaining(1);
      RateLimit rate = rates.get(i);
      if (!probe.isConsumed()) {
        for (int j = 0; j < i; j++) {
          buckets[j].addTokens(1); // the request does not count against the limits it passed
        }
        return UsageLimiter.RateCheck.refused(rate, probe.getNanosToWaitForRefill());
      }
      if (tightest == null || probe.getRemainingTokens() < tightest.remaining()) {
        tightest =
            new RateLimitState(
                rate.policy(),
                rate.quota(),
                rate.window(),
                probe.getRemainingTokens(),
                Duration.ofNanos(probe.getNanosToWaitForReset()));
      }
    }
    return new UsageLimiter.RateCheck(null, tightest);
  }

  private Bucket[] bucketsOf(String space, String tokenId, LimitSource.Active active) {
    TokenBuckets current = byToken.get(tokenId);
    if (current != null && current.madeFor(space, active)) {
      return current.buckets;
    }
    return byToken.compute(
            tokenId,
            (id, old) ->
                old != null && old.madeFor(space, active)
                    ? old
                    : new TokenBuckets(space, active, create(active.limits().rates())))
        .buckets;
  }

  private Bucket[] create(List<RateLimit> rates) {
    Bucket[] out = new Bucket[rates.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bucket(rates.get(i), meter);
    }
    return out;
  }

  static Bucket bucket(RateLimit rate, TimeMeter meter) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(rate.quota())
                .refillGreedy(rate.quota(), rate.window())
                .build())
        .withCustomTimePrecision(meter)
        .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
        .build();
  }
}
