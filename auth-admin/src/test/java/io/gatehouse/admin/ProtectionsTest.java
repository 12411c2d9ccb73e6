package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.ThrottlePolicy;
import io.gatehouse.testkit.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator plane of issue 14's protections: the throttle and the browser switch per space,
 * stored, applied by the pipeline, guarded by {@code settings}, and token origins.
 */
class ProtectionsTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private ManagedGatehouse managed;
  private TestApp app;

  @BeforeEach
  void start() throws Exception {
    managed =
        ManagedGatehouse.builder(TokenStores.h2Url(dir))
            .clock(clock)
            .pollInterval(Duration.ofMillis(200))
            .build();
    app = new TestApp(managed);
  }

  @AfterEach
  void stop() {
    app.close();
    managed.close();
  }

  private Management operator() {
    return managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
  }

  private int badTokens(int count) throws Exception {
    int last = 0;
    String bad = "ghk_" + "x".repeat(20);
    for (int i = 0; i < count; i++) {
      last = app.get("/api/hello", "x-apikey", bad).statusCode();
    }
    return last;
  }

  /** Waits (up to 2 s) for the live settings to carry {@code policy}. */
  private void awaitPolicy(ThrottlePolicy policy) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (!live().equals(policy) && System.nanoTime() < deadline) {
      Thread.sleep(20); // the change feed's delivery thread: nothing to advance
    }
    assertThat(live()).isEqualTo(policy);
  }

  private ThrottlePolicy live() {
    return managed
        .settings()
        .get()
        .get(ManagedGatehouse.DEFAULT_SPACE, io.gatehouse.core.CredentialThrottles.POLICY);
  }

  @Test
  void byDefaultAnAddressIsThrottledAfterTwentyRefusedCredentials() throws Exception {
    String token = operator().createToken(ManagedGatehouseTest.apiToken(false)).token();
    assertThat(badTokens(20)).isEqualTo(401);
    HttpResponse<String> throttled = app.get("/api/hello", "x-apikey", token);

    assertThat(throttled.statusCode()).isEqualTo(429);
    assertThat(throttled.body()).contains("\"code\":\"throttled\"");
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(throttled.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"failed-credentials\";q=20;w=60");
    clock.advance(Duration.ofSeconds(3));
    assertThat(app.get("/api/hello", "x-apikey", token).statusCode()).isEqualTo(200);
  }

  @Test
  void thePolicyIsStoredPerSpaceAppliedAndSurvivesARestart() throws Exception {
    SpaceConfig changed = operator().throttle(ThrottlePolicy.of(2, "1/1m"));
    assertThat(changed.protections().throttle()).isEqualTo(ThrottlePolicy.of(2, "1/1m"));
    awaitPolicy(ThrottlePolicy.of(2, "1/1m"));
    assertThat(badTokens(2)).isEqualTo(401);
    assertThat(app.get("/api/hello").statusCode()).isEqualTo(429);

    SpaceConfig off = operator().throttle(ThrottlePolicy.of(2, "1/1m").withEnabled(false));
    awaitPolicy(off.protections().throttle());
    assertThat(badTokens(30)).isEqualTo(401);
    operator().browsers(true);
    try (ManagedGatehouse reopened = ManagedGatehouse.builder(TokenStores.h2Url(dir)).build();
        Management again = reopened.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator())) {
      assertThat(again.settings().protections())
          .isEqualTo(new Protections(off.protections().throttle(), true));
    }
    assertThat(operator().spaces())
        .singleElement()
        .satisfies(space -> assertThat(space.hasSettings()).isTrue());
    operator().throttle(ThrottlePolicy.DEFAULT);
    operator().browsers(false);
    assertThat(operator().settings()).isEqualTo(SpaceConfig.empty(ManagedGatehouse.DEFAULT_SPACE));
  }

  @Test
  void onlySettingsMayChangeThemAndTheAdminApiSpeaksJson() throws Exception {
    String tokensOnly = operator().createToken(ManagedGatehouseTest.adminToken("tokens")).token();
    String settings = operator().createToken(ManagedGatehouseTest.adminToken("settings")).token();

    HttpResponse<String> refused =
        TestApp.send(
            java.net.http.HttpRequest.newBuilder(app.uri("/_admin/api/throttle"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"failures\":5}")),
            "Authorization",
            "Bearer " + tokensOnly);
    HttpResponse<String> changed =
        TestApp.send(
            java.net.http.HttpRequest.newBuilder(app.uri("/_admin/api/throttle"))
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"failures\":5,\"refill\":\"1/10s\"}")),
            "Authorization",
            "Bearer " + settings);
    HttpResponse<String> browsers =
        TestApp.send(
            java.net.http.HttpRequest.newBuilder(app.uri("/_admin/api/browsers"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"allowed\":true}")),
            "Authorization",
            "Bearer " + settings);
    HttpResponse<String> badBrowsers =
        TestApp.send(
            java.net.http.HttpRequest.newBuilder(app.uri("/_admin/api/browsers"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"allowed\":\"yes\"}")),
            "Authorization",
            "Bearer " + settings);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
    assertThat(changed.body())
        .contains("\"throttle\":{\"enabled\":true,\"failures\":5,\"refill\":\"1/10s\"}");
    assertThat(browsers.body()).contains("\"browsersAllowed\":true");
    assertThat(badBrowsers.statusCode()).isEqualTo(400);
    assertThat(operator().settings().protections())
        .isEqualTo(new Protections(ThrottlePolicy.of(5, "1/10s"), true));
    try (Management weak =
        managed.management(
            ManagedGatehouse.DEFAULT_SPACE,
            Caller.of(
                io.gatehouse.core.Identity.builder("ops", "admintoken", "dev")
                    .access(io.gatehouse.core.Access.ADMIN)
                    .permissions(java.util.Set.of("tokens"))
                    .build(),
                "127.0.0.1"))) {
      assertThatThrownBy(() -> weak.browsers(false)).isInstanceOf(PermissionDenied.class);
      assertThatThrownBy(() -> weak.throttle(ThrottlePolicy.OFF))
          .isInstanceOf(PermissionDenied.class);
    }
    assertThat(
            managed.store().audit().since(ManagedGatehouse.DEFAULT_SPACE, java.time.Instant.EPOCH))
        .anyMatch(e -> e.action().equals("throttle"))
        .anyMatch(e -> e.action().equals("browsers"));
  }

  /**
   * Two operators change different parts of the throttle at the same moment, many times over: each
   * change is merged with the stored policy under the update's lock, so neither is lost (a read by
   * the caller, then a write, lost one of them whenever the two interleaved).
   */
  @Test
  void twoChangesToDifferentPartsAtOnceBothWin() throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= 15; round++) {
        int failures = 100 + round;
        String refill = "1/" + round + "s";
        operator().throttle(ThrottlePolicy.DEFAULT);
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        var first =
            pool.submit(
                () -> {
                  together.await();
                  return operator().throttle(new ThrottleChange(false, null, failures, null));
                });
        var second =
            pool.submit(
                () -> {
                  together.await();
                  return operator().throttle(new ThrottleChange(false, null, null, refill));
                });
        first.get();
        second.get();

        assertThat(operator().settings().protections().throttle())
            .as("round %d", round)
            .isEqualTo(ThrottlePolicy.of(failures, refill));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aThrottleChangeIsCheckedBeforeAnyStoreWork() {
    assertThatThrownBy(() -> new ThrottleChange(false, null, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'failures'");
    assertThatThrownBy(() -> new ThrottleChange(false, null, null, "1/0s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ThrottleChange.fromJson(Map.of("failures", 2_000_000L)))
        .isInstanceOf(IllegalArgumentException.class);
    ThrottleChange off = ThrottleChange.fromJson(Map.of("enabled", false));
    assertThat(off.applyTo(ThrottlePolicy.of(7, "1/9s")))
        .isEqualTo(ThrottlePolicy.of(7, "1/9s").withEnabled(false));
    assertThat(ThrottleChange.fromJson(Map.of("reset", true)).applyTo(ThrottlePolicy.OFF))
        .isEqualTo(ThrottlePolicy.DEFAULT);
    assertThat(ThrottleChange.fromJson(off.toJson())).isEqualTo(off);
  }

  @Test
  void tokenOriginsGoThroughTheOperatorPlane() throws Exception {
    Management.CreatedTokenView created =
        operator()
            .createToken(
                new Management.TokenRequest(
                    false,
                    false,
                    "spa",
                    null,
                    List.of(),
                    null,
                    List.of("https://App.example.com")));
    assertThat(created.info().origins()).containsExactly("https://app.example.com");
    assertThat(operator().tokens())
        .filteredOn(t -> t.id().equals(created.info().id()))
        .singleElement()
        .satisfies(t -> assertThat(t.origins()).containsExactly("https://app.example.com"));
    Map<String, Object> json = created.info().toJson();
    assertThat(Management.TokenView.fromJson(json)).isEqualTo(created.info());
    assertThat(
            Management.TokenRequest.fromJson(
                    Map.of("kind", "api", "origins", List.of("https://a.example")))
                .origins())
        .containsExactly("https://a.example");
    assertThat(
            app.get("/api/hello", "x-apikey", created.token(), "Origin", "https://app.example.com")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            app.get("/api/hello", "x-apikey", created.token(), "Origin", "https://evil.example")
                .statusCode())
        .isEqualTo(403);
    assertThatThrownBy(
            () ->
                operator()
                    .createToken(
                        new Management.TokenRequest(
                            false, false, "x", null, List.of(), null, List.of("not an origin"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
