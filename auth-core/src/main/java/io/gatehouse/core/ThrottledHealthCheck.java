package io.gatehouse.core;

import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/** {@link HealthCheck#throttled}: one check at a time, its result reused for an interval. */
final class ThrottledHealthCheck implements HealthCheck {
  private final HealthCheck check;
  private final long intervalNanos;
  private final LongSupplier ticker;
  private @Nullable List<Health.Component> last; // guarded by this
  private long lastAt; // guarded by this

  ThrottledHealthCheck(HealthCheck check, long intervalNanos, LongSupplier ticker) {
    this.check = check;
    this.intervalNanos = intervalNanos;
    this.ticker = ticker;
  }

  // Synchronized on purpose: callers arriving while a check runs wait for its result rather than
  // starting their own; the check itself is bounded by its own timeouts.
  @Override
  public synchronized List<Health.Component> check() {
    long now = ticker.getAsLong();
    List<Health.Component> cached = last;
    if (cached != null && now - lastAt < intervalNanos) {
      return cached;
    }
    List<Health.Component> fresh = HealthCheck.all(check).check();
    last = fresh;
    lastAt = ticker.getAsLong();
    return fresh;
  }
}
