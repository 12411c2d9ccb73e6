package io.gatehouse.console;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Slows down token guessing at the sign-in form: each client address has a bucket of {@code burst}
 * failed sign-ins, refilled by one every {@code refill}. An address with an empty bucket is refused
 * (429) before its token is looked up, even when the token is right, so a blocked guesser learns
 * nothing and costs the token store no read. Successful sign-ins cost nothing.
 *
 * <p>An admin token has at least 128 random bits, so this is not what stops a guess from
 * succeeding; it stops a flood of guesses from costing the token store work and from filling the
 * logs, and it caps what a stolen list of candidate tokens can be tested at. Memory is bounded: at
 * most {@code maxAddresses} are tracked, the least recently failing dropped first (a dropped
 * address only gets a fresh bucket).
 */
final class SignInThrottle {
  private final Clock clock;
  private final int burst;
  private final long refillMillis;
  private final Map<String, Bucket> buckets;

  SignInThrottle(Clock clock, int burst, Duration refill, int maxAddresses) {
    this.clock = clock;
    this.burst = burst;
    this.refillMillis = refill.toMillis();
    this.buckets =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > maxAddresses;
          }
        };
  }

  /** How long {@code address} must wait before its next sign-in, or null when it may try now. */
  synchronized @Nullable Duration waitBefore(String address) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      return null;
    }
    long now = clock.millis();
    bucket.refill(now, refillMillis);
    if (bucket.failures < burst) {
      return null;
    }
    return Duration.ofMillis(bucket.lastRefill + refillMillis - now);
  }

  /** Counts a failed sign-in from {@code address}. */
  synchronized void failed(String address) {
    long now = clock.millis();
    Bucket bucket = buckets.computeIfAbsent(address, unused -> new Bucket(now));
    bucket.refill(now, refillMillis);
    bucket.failures = Math.min(burst, bucket.failures + 1);
  }

  synchronized int trackedAddresses() {
    return buckets.size();
  }

  /** Failures counted against one address, and when one was last forgiven. */
  private static final class Bucket {
    int failures;
    long lastRefill;

    Bucket(long now) {
      this.lastRefill = now;
    }

    void refill(long now, long refillMillis) {
      if (failures == 0) {
        lastRefill = now;
        return;
      }
      long forgiven = (now - lastRefill) / refillMillis;
      if (forgiven > 0) {
        failures = (int) Math.max(0, failures - forgiven);
        lastRefill = failures == 0 ? now : lastRefill + forgiven * refillMillis;
      }
    }
  }
}
