package io.gatehouse.jwks;

import static io.gatehouse.jwks.Tokens.ISS;
import static io.gatehouse.jwks.Tokens.await;
import static io.gatehouse.jwks.Tokens.claims;
import static io.gatehouse.jwks.Tokens.context;
import static io.gatehouse.jwks.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWKS source behaviours against a real loopback JWKS server, time moved by hand. */
class JwksSourceTest {
  static final PublicJsonWebKey OLD = Tokens.rsa("old");
  static final PublicJsonWebKey NEW = Tokens.rsa("new");

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  JwksServer server;

  @BeforeEach
  void start() throws Exception {
    server = new JwksServer();
    server.serve(OLD);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  JwtAuthenticator.Builder builder() {
    IssuerConfig issuer = IssuerConfig.builder(ISS).audience("api").jwksUrl(server.url()).build();
    AuthListener listener =
        new AuthListener() {
          @Override
          public void onEvent(AuthEvent event) {
            events.add(event);
          }
        };
    return JwtAuthenticator.builder()
        .clock(clock)
        .listener(listener)
        .issuers(Issuers.of(issuer))
        .cacheTtl(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1))
        .refreshAhead(Duration.ZERO)
        .kidMissCooldown(Duration.ofSeconds(10))
        .maxStale(Duration.ofMinutes(30))
        .failureBackoff(Duration.ofSeconds(5));
  }

  DefaultJwtAuthenticator build(JwtAuthenticator.Builder builder) {
    return (DefaultJwtAuthenticator) builder.build();
  }

  AuthOutcome run(JwtAuthenticator jwt, PublicJsonWebKey key) {
    return await(jwt.authenticate(context(sign(claims(clock), key, "RS256"), clock)));
  }

  static Reason reason(AuthOutcome outcome) {
    assertThat(outcome).isInstanceOf(AuthOutcome.Failure.class);
    return ((AuthOutcome.Failure) outcome).reason();
  }

  List<String> eventTypes() {
    return events.stream().map(AuthEvent::type).toList();
  }

  @Test
  void rotationIsPickedUpOnFirstUseOfTheNewKid() {
    DefaultJwtAuthenticator jwt = build(builder());
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(server.requests()).isEqualTo(1);
    server.serve(OLD, NEW);
    assertThat(run(jwt, NEW)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(server.requests()).isEqualTo(2);
    assertThat(eventTypes()).contains("jwks.kid_miss", "jwks.fetch");
    // Cached keys answer without I/O: an already completed stage.
    CompletionStage<AuthOutcome> cached =
        jwt.authenticate(context(sign(claims(clock), OLD, "RS256"), clock));
    assertThat(cached.toCompletableFuture()).isDone();
  }

  @Test
  void aThousandConcurrentRequestsForOneNewKidCauseExactlyOneFetch() throws Exception {
    DefaultJwtAuthenticator jwt = build(builder().waitBudget(Duration.ofSeconds(20)));
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      tokens.add(sign(claimsWithId(i), NEW, "RS256"));
    }
    server.serve(OLD, NEW);
    server.hold();
    List<CompletableFuture<AuthOutcome>> pending = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<CompletionStage<AuthOutcome>>> calls = new ArrayList<>();
      for (String token : tokens) {
        calls.add(
            CompletableFuture.supplyAsync(() -> jwt.authenticate(context(token, clock)), pool));
      }
      for (var call : calls) {
        pending.add(call.get(10, TimeUnit.SECONDS).toCompletableFuture());
      }
      server.open();
      for (CompletableFuture<AuthOutcome> outcome : pending) {
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(AuthOutcome.Success.class);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.requests()).as("initial fetch + exactly one for the new kid").isEqualTo(2);
  }

  org.jose4j.jwt.JwtClaims claimsWithId(int i) {
    org.jose4j.jwt.JwtClaims claims = claims(clock);
    claims.setJwtId("jti-" + i);
    return claims;
  }

  @Test
  void tenThousandForgedKidsCauseNoMoreFetchesThanTheCooldownAllows() {
    DefaultJwtAuthenticator jwt = build(builder());
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    String payload = claims(clock).toJson();
    String body = JwtAuthenticatorTest.b64(payload);
    for (int i = 0; i < 10_000; i++) {
      // The signature does not matter: an unknown kid is refused before any verification.
      String header = JwtAuthenticatorTest.b64("{\"alg\":\"RS256\",\"kid\":\"forged-" + i + "\"}");
      String forged = header + "." + body + ".AAAA";
      assertThat(reason(await(jwt.authenticate(context(forged, clock)))))
          .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    }
    assertThat(server.requests()).as("initial + one refetch per cool-down").isEqualTo(2);
    // The same forged kid again, after the cool-down, is answered from memory.
    clock.advance(Duration.ofSeconds(11));
    String again = sign(payload, OLD.getPrivateKey(), "RS256", "forged-0", Map.of());
    assertThat(reason(await(jwt.authenticate(context(again, clock)))))
        .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(server.requests()).isEqualTo(2);
    // A new forged kid after the cool-down may cost one more fetch, no more.
    String next = sign(payload, OLD.getPrivateKey(), "RS256", "forged-next", Map.of());
    assertThat(reason(await(jwt.authenticate(context(next, clock)))))
        .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(server.requests()).isEqualTo(3);
  }

  @Test
  void throughAnOutageKnownKeysVerifyUntilTheLimitThen503() {
    DefaultJwtAuthenticator jwt = build(builder());
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(jwt.health().get(server.url()).status()).isEqualTo(SourceHealth.Status.UP);
    server.mode(JwksServer.Mode.ERROR_500);
    clock.advance(Duration.ofMinutes(6)); // past the 5 min TTL
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    waitForFetches(jwt, 2);
    assertThat(jwt.health().get(server.url()).status()).isEqualTo(SourceHealth.Status.DEGRADED);
    clock.advance(Duration.ofMinutes(20)); // 26 min: within TTL + 30 min
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    clock.advance(Duration.ofMinutes(10)); // 36 min: past the outage limit
    AuthOutcome down = run(jwt, OLD);
    assertThat(reason(down)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(((AuthOutcome.Failure) down).retryAfter()).isNotNull();
    assertThat(jwt.health().get(server.url()).status()).isEqualTo(SourceHealth.Status.DOWN);
    assertThat(eventTypes()).contains("jwks.fetch_failed");
    // Recovery: the source answers again after the backoff.
    server.serve(OLD);
    clock.advance(Duration.ofSeconds(6));
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(jwt.health().get(server.url()).status()).isEqualTo(SourceHealth.Status.UP);
  }

  /** Background refreshes complete on the HTTP client's threads: wait for them, bounded. */
  static void waitForFetches(DefaultJwtAuthenticator jwt, long count) {
    for (int i = 0; i < 200; i++) {
      SourceHealth health = jwt.health().values().iterator().next();
      if (health.fetches() >= count
          && (health.lastError() != null || health.status() == SourceHealth.Status.UP)) {
        return;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void aSourceThatNeverAnsweredGives503NotA401() {
    server.mode(JwksServer.Mode.ERROR_500);
    DefaultJwtAuthenticator jwt = build(builder());
    assertThat(reason(run(jwt, OLD))).isEqualTo(Reason.UNAVAILABLE);
    // Within the backoff no new fetch is made.
    assertThat(reason(run(jwt, OLD))).isEqualTo(Reason.UNAVAILABLE);
    assertThat(server.requests()).isEqualTo(1);
    assertThat(jwt.health().get(server.url()).status()).isEqualTo(SourceHealth.Status.DOWN);
  }

  @Test
  void aSlowServerMakesRequestsWaitNoLongerThanTheBudget() {
    server.mode(JwksServer.Mode.SLOW);
    DefaultJwtAuthenticator jwt =
        // A budget long enough that a busy CI machine pausing this thread cannot end it before
        // the isNotDone check; the slow server holds its answer for 5 s.
        build(builder().waitBudget(Duration.ofSeconds(1)).fetchTimeout(Duration.ofSeconds(2)));
    CompletionStage<AuthOutcome> stage =
        jwt.authenticate(context(sign(claims(clock), OLD, "RS256"), clock));
    assertThat(stage.toCompletableFuture()).as("never blocks the caller").isNotDone();
    AuthOutcome outcome = await(stage);
    assertThat(reason(outcome)).isEqualTo(Reason.UNAVAILABLE);
    assertThat(((AuthOutcome.Failure) outcome).detail()).contains("timed out");
  }

  @Test
  void garbageErrorsAndHugeBodiesKeepTheOldKeysAndEmitEvents() {
    DefaultJwtAuthenticator jwt =
        build(builder().jwksLimits(64 * 1024, 100).kidMissCooldown(Duration.ZERO));
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    for (JwksServer.Mode bad :
        new JwksServer.Mode[] {
          JwksServer.Mode.GARBAGE, JwksServer.Mode.ERROR_500, JwksServer.Mode.HUGE
        }) {
      server.mode(bad);
      events.clear();
      // An unknown kid forces a fetch; the source fails, so the answer is 503, not 401.
      assertThat(reason(run(jwt, NEW))).as(bad.name()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(eventTypes()).as(bad.name()).contains("jwks.fetch_failed");
      assertThat(run(jwt, OLD)).as(bad.name()).isInstanceOf(AuthOutcome.Success.class);
    }
    SourceHealth health = jwt.health().get(server.url());
    assertThat(health.keyCount()).isEqualTo(1);
    assertThat(health.lastError()).contains("65536");
    assertThat(health.status()).isEqualTo(SourceHealth.Status.DEGRADED);
  }

  @Test
  void cacheControlMaxAgeIsHonouredWithinBoundsAndEtagsRevalidate() {
    server.cacheControl("public, max-age=60");
    server.etags(true);
    DefaultJwtAuthenticator jwt = build(builder());
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    clock.advance(Duration.ofSeconds(50));
    run(jwt, OLD);
    assertThat(server.requests()).as("fresh for max-age 60").isEqualTo(1);
    clock.advance(Duration.ofSeconds(20));
    run(jwt, OLD); // stale: served, and refreshed in the background with If-None-Match
    waitForFetches(jwt, 2);
    assertThat(server.requests()).isEqualTo(2);
    assertThat(server.notModified()).isEqualTo(1);
    // max-age beyond the bound is cut to the 1 h maximum.
    server.cacheControl("max-age=999999");
    server.etags(false);
    clock.advance(Duration.ofSeconds(61));
    run(jwt, OLD);
    waitForFetches(jwt, 3);
    clock.advance(Duration.ofMinutes(59));
    run(jwt, OLD);
    assertThat(server.requests()).isEqualTo(3);
    clock.advance(Duration.ofMinutes(2));
    run(jwt, OLD);
    waitForFetches(jwt, 4);
    assertThat(server.requests()).isEqualTo(4);
  }

  @Test
  void prefetchAndTheSnapshotFileCarryKeysAcrossARestart(@TempDir Path dir) throws Exception {
    DefaultJwtAuthenticator first = build(builder().snapshotDirectory(dir));
    first
        .prefetch(
            Issuers.of(IssuerConfig.builder(ISS).audience("api").jwksUrl(server.url()).build()))
        .get(10, TimeUnit.SECONDS);
    assertThat(server.requests()).isEqualTo(1);
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(1);
    }
    server.mode(JwksServer.Mode.ERROR_500);
    DefaultJwtAuthenticator second = build(builder().snapshotDirectory(dir));
    assertThat(run(second, OLD)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(eventTypes()).contains("jwks.snapshot_loaded");
  }

  @Test
  void builderPrefetchFetchesAtStart() {
    DefaultJwtAuthenticator jwt = build(builder().prefetch(true));
    waitForFetches(jwt, 1);
    assertThat(server.requests()).isEqualTo(1);
    assertThat(run(jwt, OLD)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(server.requests()).isEqualTo(1);
  }
}
