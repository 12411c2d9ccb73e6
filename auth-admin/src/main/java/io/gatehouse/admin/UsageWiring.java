package io.gatehouse.admin;

import io.gatehouse.core.Identity;
import io.gatehouse.usage.UsageLimiter;
import java.time.Clock;
import java.util.Set;

/**
 * The usage limits of a {@link ManagedGatehouse}: the limits cached from the store ({@link
 * LimitsSync}) and the limiter over them, for API and admin tokens only. On PostgreSQL the rate
 * buckets are shared by every instance; on H2 they are local to each.
 *
 * @param sync the cached limits
 * @param limiter the pipeline's usage gate
 */
record UsageWiring(LimitsSync sync, UsageLimiter limiter) implements AutoCloseable {

  static UsageWiring open(AdminStore store, Clock clock, boolean fixedClock) {
    LimitsSync sync = new LimitsSync(store.limits(), store.keys().store().changes());
    Set<String> tokenMethods =
        Set.of(store.keys().authenticator().id(), store.keys().adminAuthenticator().id());
    SpaceSettingsStore settings = store.settings();
    UsageLimiter.Builder limiter =
        UsageLimiter.builder(sync)
            .governs((Identity identity) -> tokenMethods.contains(identity.method()))
            .store(settings.url(), settings.properties())
            .sharedBuckets(settings.url().startsWith("jdbc:postgresql:"));
    if (fixedClock) {
      limiter.clock(clock);
    }
    return new UsageWiring(sync, limiter.build());
  }

  @Override
  public void close() {
    try {
      sync.close();
    } finally {
      limiter.close();
    }
  }
}
