package io.gatehouse.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Reports the health of one part of Gatehouse as one or more {@link Health.Component}s (a JWT
 * authenticator reports one per JWKS source). Parts offer one ({@code
 * JwtAuthenticator.healthCheck}, {@code TokenStore.healthCheck}); an app composes them:
 *
 * <pre>{@code
 * HealthCheck health = HealthCheck.all(store.healthCheck(), jwt.healthCheck());
 * Health now = health.health();       // UP, DEGRADED or DOWN, with every component
 * }</pre>
 *
 * <p>A check may do I/O (a store's probe query), bounded by a short timeout. It should not throw;
 * {@link #all} turns a check that does into a required DOWN component named {@code check-N}.
 */
@FunctionalInterface
public interface HealthCheck {

  /** The components this check reports, now. */
  List<Health.Component> check();

  /** {@link #check()}, aggregated. */
  default Health health() {
    return Health.of(check());
  }

  /**
   * Every component of every check, in order. A check that throws becomes a required DOWN component
   * {@code check-N} (N its position, from 1) whose only detail is the error's class.
   */
  static HealthCheck all(HealthCheck... checks) {
    return all(List.of(checks));
  }

  /** As {@link #all(HealthCheck...)}. */
  static HealthCheck all(List<HealthCheck> checks) {
    List<HealthCheck> copy = List.copyOf(checks);
    return () -> {
      List<Health.Component> out = new ArrayList<>();
      for (int i = 0; i < copy.size(); i++) {
        try {
          out.addAll(copy.get(i).check());
        } catch (RuntimeException e) {
          out.add(
              new Health.Component(
                  "check-" + (i + 1),
                  Health.Status.DOWN,
                  true,
                  Map.of("error", e.getClass().getSimpleName())));
        }
      }
      return out;
    };
  }

  /**
   * {@code check}, run at most once per {@code minInterval} and never twice at once: callers in
   * between get the last result. Health endpoints answer unauthenticated callers, so a flood of
   * probes must not become a flood of database queries.
   *
   * @param nanoTicker the time source, e.g. {@code System::nanoTime}
   */
  static HealthCheck throttled(HealthCheck check, Duration minInterval, LongSupplier nanoTicker) {
    Objects.requireNonNull(check, "check");
    Checks.positive(minInterval, "minInterval");
    Objects.requireNonNull(nanoTicker, "nanoTicker");
    return new ThrottledHealthCheck(check, minInterval.toNanos(), nanoTicker);
  }
}
