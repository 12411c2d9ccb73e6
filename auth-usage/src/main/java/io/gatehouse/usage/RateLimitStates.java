package io.gatehouse.usage;

import java.time.Duration;

/** Rounding as the RateLimit headers do it. */
final class RateLimitStates {
  private RateLimitStates() {}

  /** Whole seconds, rounded up (at least 1 when positive). */
  static long ceilSeconds(Duration duration) {
    long millis = duration.toMillis();
    return millis <= 0 ? 0 : (millis + 999) / 1000;
  }
}
