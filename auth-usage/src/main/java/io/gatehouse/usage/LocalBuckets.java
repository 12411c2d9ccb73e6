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
    // Built once: a policy name is a string concatenation, too slow to repeat per request.
    private final String[] policies;

    TokenBuckets(String space, LimitSource.Active active, Bucket[] buckets) {
      this.space = space;
      this.active = active;
      this.buckets = buckets;
      this.policies = policies(active.limits().rates());
    }

    @SuppressWarnings("ReferenceEquality") // a fast path before equals, not instead of it
    boolean madeFor(String otherSpace, LimitSource.Active other) {
      // The source hands out the same object until the limits change: compare by identity first.
      return (active == other || active.equals(other)) && space.equals(otherSpace);
    }
  }

  UsageLimiter.RateCheck consume(String space, String tokenId, LimitSource.Active active) {
    List<RateLimit> rates = active.limits().rates();
    if (rates.isEmpty()) {
      return new UsageLimiter.RateCheck(null, null);
    }
    TokenBuckets token = bucketsOf(space, tokenId, active);
    return consumeEach(rates, token.buckets, token.policies);
  }

  /**
   * Takes one unit from each of a token's buckets ({@code buckets[i]} for {@code rates.get(i)},
   * named {@code policies[i]}), local or shared. At the first that has none left the units already
   * taken are given back (the request does not count against the limits it passed) and the check is
   * refused; else it carries the state of the bucket with the fewest units left.
   */
  static UsageLimiter.RateCheck consumeEach(
      List<RateLimit> rates, Bucket[] buckets, String[] policies) {
    int tightest = 0;
    ConsumptionProbe tightestProbe = null;
    for (int i = 0; i < buckets.length; i++) {
      ConsumptionProbe probe = buckets[i].tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        for (int j = 0; j < i; j++) {
          buckets[j].addTokens(1);
        }
        return UsageLimiter.RateCheck.refused(rates.get(i), probe.getNanosToWaitForRefill());
      }
      if (tightestProbe == null
          || probe.getRemainingTokens() < tightestProbe.getRemainingTokens()) {
        tightest = i;
        tightestProbe = probe;
      }
    }
    if (tightestProbe == null) {
      return new UsageLimiter.RateCheck(null, null); // no rate limits
    }
    RateLimit rate = rates.get(tightest);
    return new UsageLimiter.RateCheck(
        null,
        new RateLimitState(
            policies[tightest],
            rate.quota(),
            rate.window(),
            tightestProbe.getRemainingTokens(),
            Duration.ofNanos(tightestProbe.getNanosToWaitForReset())));
  }

  static String[] policies(List<RateLimit> rates) {
    String[] out = new String[rates.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rates.get(i).policy();
    }
    return out;
  }

  private TokenBuckets bucketsOf(String space, String tokenId, LimitSource.Active active) {
    TokenBuckets current = byToken.get(tokenId);
    if (current != null && current.madeFor(space, active)) {
      return current;
    }
    return byToken.compute(
        tokenId,
        (id, old) ->
            old != null && old.madeFor(space, active)
                ? old
                : new TokenBuckets(space, active, create(active.limits().rates())));
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
