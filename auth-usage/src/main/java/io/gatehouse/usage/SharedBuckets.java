package io.gatehouse.usage;

import io.gatehouse.core.RateLimitState;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.time.Duration;
import java.util.List;

/**
 * Buckets kept in PostgreSQL by Bucket4j (a row per token and rate limit, read and written under
 * {@code SELECT ... FOR UPDATE}), so every instance draws from the same bucket. A bucket's key
 * holds the limit and when it was set, so changed limits start from full buckets.
 */
final class SharedBuckets {
  private final ProxyManager<String> proxies;

  SharedBuckets(ProxyManager<String> proxies) {
    this.proxies = proxies;
  }

  /** Blocks on the store; throws what Bucket4j throws when it cannot be reached. */
  UsageLimiter.RateCheck consume(String space, String tokenId, LimitSource.Active active) {
    List<RateLimit> rates = active.limits().rates();
    BucketProxy[] buckets = new BucketProxy[rates.size()];
    RateLimitState tightest = null;
    for (int i = 0; i < buckets.length; i++) {
      RateLimit rate = rates.get(i);
      buckets[i] = proxies.builder().build(key(space, tokenId, rate, active), () -> config(rate));
      ConsumptionProbe probe = buckets[i].tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        for (int j = 0; j < i; j++) {
          buckets[j].addTokens(1);
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

  static String key(String space, String tokenId, RateLimit rate, LimitSource.Active active) {
    return space + ":" + tokenId + ":" + rate.policy() + ":" + active.setAt();
  }

  private static BucketConfiguration config(RateLimit rate) {
    return BucketConfiguration.builder()
        .addLimit(
            (BandwidthBuilder.BandwidthBuilderCapacityStage limit) ->
                limit.capacity(rate.quota()).refillGreedy(rate.quota(), rate.window()))
        .build();
  }
}
