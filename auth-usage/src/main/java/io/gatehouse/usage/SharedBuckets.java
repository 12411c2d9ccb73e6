package io.gatehouse.usage;

import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
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
    // Building a proxy touches no store: each one reads and writes its row when it is used.
    Bucket[] buckets = new Bucket[rates.size()];
    for (int i = 0; i < buckets.length; i++) {
      RateLimit rate = rates.get(i);
      buckets[i] = proxies.builder().build(key(space, tokenId, rate, active), () -> config(rate));
    }
    return LocalBuckets.consumeEach(rates, buckets, LocalBuckets.policies(rates));
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
