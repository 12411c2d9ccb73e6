package io.gatehouse.testkit;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The tokens and pipeline every adapter test uses. */
public final class Fixtures {
  public static final String WRITER = "writer-token-0001";
  public static final String READER = "reader-token-0002";
  public static final String DOWN = "down-token-0003";

  private Fixtures() {}

  public static Map<String, AuthOutcome> table() {
    return Map.of(
        WRITER,
        AuthOutcome.success(
            Identity.builder("alice", "header-token", SpaceResolver.DEFAULT_SPACE)
                .access(Access.READ_WRITE)
                .permissions(Set.of("deploy"))
                .build()),
        READER,
        AuthOutcome.success(
            Identity.builder("bob", "header-token", SpaceResolver.DEFAULT_SPACE)
                .access(Access.READ)
                .build()),
        DOWN,
        AuthOutcome.unavailable("the token store did not answer", Duration.ofSeconds(7), null));
  }

  /**
   * Header tokens in {@code x-apikey} answering at once, and a path rule: {@code pathPrefix} needs
   * {@code permission} ({@link #WRITER} holds {@code deploy}, not {@code backup}).
   */
  public static Gatehouse requiring(String pathPrefix, String permission) {
    return Gatehouse.builder()
        .authenticator(TokenAuthenticator.header("x-apikey", table(), Duration.ZERO))
        .accessPolicy(io.gatehouse.core.AccessPolicy.requirePermission(pathPrefix, permission))
        .build();
  }

  /** Header tokens in {@code x-apikey}, then bearer tokens; each answers after {@code delay}. */
  public static Gatehouse gatehouse(Duration delay) {
    return Gatehouse.builder()
        .authenticator(TokenAuthenticator.header("x-apikey", table(), delay))
        .authenticator(TokenAuthenticator.bearer(table(), delay))
        .build();
  }

  /**
   * {@link #gatehouse} with a usage gate that admits {@code allowed} requests (telling the client
   * how many are left of policy {@code 3-per-1m}) and refuses the rest with {@code rate_limited},
   * retry after 42 s.
   */
  public static Gatehouse limited(Duration delay, int allowed) {
    java.util.concurrent.atomic.AtomicInteger used =
        new java.util.concurrent.atomic.AtomicInteger();
    Duration window = Duration.ofMinutes(1);
    io.gatehouse.core.UsageGate gate =
        (ctx, identity) -> {
          int count = used.incrementAndGet();
          long left = Math.max(0, allowed - count);
          io.gatehouse.core.RateLimitState state =
              new io.gatehouse.core.RateLimitState(
                  allowed + "-per-1m", allowed, window, left, Duration.ofSeconds(42));
          return java.util.concurrent.CompletableFuture.completedFuture(
              count <= allowed
                  ? io.gatehouse.core.UsageVerdict.admit(state)
                  : io.gatehouse.core.UsageVerdict.refuse(
                      AuthOutcome.throttled(
                          io.gatehouse.core.Reason.RATE_LIMITED,
                          "over its limit of " + allowed + " requests per 1m",
                          state.reset(),
                          state)));
        };
    return Gatehouse.builder()
        .authenticator(TokenAuthenticator.header("x-apikey", table(), delay))
        .usageGate(gate)
        .build();
  }
}
