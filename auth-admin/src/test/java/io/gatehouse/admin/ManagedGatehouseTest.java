package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.HookResult;
import io.gatehouse.core.Reason;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ManagedGatehouse} as an app embeds it: Jetty with its filter and admin servlet, on an H2
 * file. Tokens, settings and the admin API all come from the store, and a second instance on the
 * same file sees every change within 2 s.
 */
class ManagedGatehouseTest {
  static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  @TempDir Path dir;
  ManagedGatehouse managed;
  TestApp app;
  final List<Decision> decisions = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    managed =
        ManagedGatehouse.builder(TokenStores.h2Url(dir))
            .pollInterval(Duration.ofMillis(200))
            .hook(
                (context, identity) ->
                    CompletableFuture.completedFuture(
                        context.request().path().startsWith("/api/closed")
                            ? HookResult.deny("closed today")
                            : HookResult.proceed()))
            .listener(
                new AuthListener() {
                  @Override
                  public void onDecision(AuthRequest request, Decision decision) {
                    decisions.add(decision);
                  }
                })
            .build();
    app = new TestApp(managed);
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
    managed.close();
  }

  Management operator() {
    return managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
  }

  static Management.TokenRequest apiToken(boolean readOnly) {
    return new Management.TokenRequest(false, readOnly, "t", null, List.of(), null);
  }

  static Management.TokenRequest adminToken(String... permissions) {
    return new Management.TokenRequest(true, false, "ops", "team-a", List.of(permissions), null);
  }

  @Test
  void tokensFromTheStoreAuthenticateWithTheirAccess() throws Exception {
    String writer = operator().createToken(apiToken(false)).token();
    String reader = operator().createToken(apiToken(true)).token();

    assertThat(app.get("/api/hello", "x-apikey", writer).statusCode()).isEqualTo(200);
    assertThat(app.get("/api/hello", "x-apikey", reader).body()).endsWith("READ");
    assertThat(app.post("/api/items", "{}", "x-apikey", writer).statusCode()).isEqualTo(200);
    assertThat(app.post("/api/items", "{}", "x-apikey", reader).statusCode()).isEqualTo(403);
    assertThat(app.get("/api/hello").statusCode()).isEqualTo(401);
    assertThat(app.get("/api/closed", "x-apikey", writer).statusCode())
        .as("the app's hook runs")
        .isEqualTo(403);
    assertThat(decisions).anyMatch(d -> d.reason() == Reason.HOOK_DENIED);

    operator().revoke(writer);
    awaitStatus(app, 401, "/api/hello", "x-apikey", writer);
  }

  @Test
  void aSecondInstanceOnTheSameStoreSeesEveryChangeWithinTwoSeconds() throws Exception {
    String token = operator().createToken(apiToken(false)).token();
    try (ManagedGatehouse second =
            ManagedGatehouse.builder(TokenStores.h2Url(dir))
                .pollInterval(Duration.ofMillis(200))
                .build();
        TestApp other = new TestApp(second)) {
      awaitStatus(other, 200, "/api/hello", "x-apikey", token);

      operator().allow(List.of("192.0.2.0/24"));
      awaitStatus(other, 403, "/api/hello", "x-apikey", token);
      operator().removeAllowed(List.of("192.0.2.0/24"));
      awaitStatus(other, 200, "/api/hello", "x-apikey", token);

      operator().deny(List.of("127.0.0.1"));
      awaitStatus(other, 403, "/api/hello", "x-apikey", token);
      operator().removeDenied(List.of("127.0.0.1"));
      awaitStatus(other, 200, "/api/hello", "x-apikey", token);

      byte[] key = new byte[32];
      java.util.Arrays.fill(key, (byte) 7);
      operator()
          .setIssuer(
              SpaceConfig.Issuer.hmac("https://idp.test", key, List.of("api"), false, List.of()));
      awaitStatus(
          other, 200, "/api/hello", "Authorization", "Bearer " + hs256(key, "https://idp.test"));

      // Trusted proxies: a denied forwarded address counts only once the proxy is trusted.
      operator().deny(List.of("203.0.113.7"));
      awaitStatus(other, 200, "/api/hello", "x-apikey", token, "X-Forwarded-For", "203.0.113.7");
      operator().trustProxies(new SpaceConfig.Proxies(List.of("127.0.0.1/32"), 0));
      awaitStatus(other, 403, "/api/hello", "x-apikey", token, "X-Forwarded-For", "203.0.113.7");

      assertThat(second.settings().get().spaces()).contains(ManagedGatehouse.DEFAULT_SPACE);
      operator().revoke(token);
      awaitStatus(other, 401, "/api/hello", "x-apikey", token);
    }
  }

  @Test
  void everyOperationWorksRemotelyThroughTheAdminServlet() throws Exception {
    String admin = operator().createToken(adminToken(AdminRules.MANAGE)).token();
    try (Management remote = new AdminClient(app.base(), admin, false)) {
      Management.CreatedTokenView created = remote.createToken(apiToken(false));
      assertThat(created.info().kind()).isEqualTo("api");
      assertThat(created.toString()).doesNotContain(created.token());
      assertThat(app.get("/api/hello", "x-apikey", created.token()).statusCode()).isEqualTo(200);

      Management.TokenView imported =
          remote.importToken("legacy-key-0123456789abcdef", true, "imported");
      assertThat(imported.access()).isEqualTo("READ");
      assertThat(remote.tokens())
          .extracting(Management.TokenView::id)
          .contains(created.info().id(), imported.id());

      Management.CreatedTokenView rotated =
          remote.rotate(created.info().id(), Duration.ofMinutes(5));
      assertThat(rotated.info().previousValidUntil()).isNotNull();
      assertThat(app.get("/api/hello", "x-apikey", rotated.token()).statusCode()).isEqualTo(200);
      assertThat(remote.revoke(created.info().id()))
          .map(Management.TokenView::status)
          .contains("revoked");
      assertThat(remote.revoke("0000000000")).as("a well-formed id of no token").isEmpty();
      assertThatThrownBy(() -> remote.revoke("ghk_0000000000_unknown"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("unknown");
      assertThatThrownBy(() -> remote.rotate("1111111111", Duration.ZERO))
          .isInstanceOf(AdminException.class)
          .extracting(e -> ((AdminException) e).kind())
          .isEqualTo(AdminException.Kind.NOT_FOUND);

      SpaceConfig settings =
          remote.setIssuer(
              SpaceConfig.Issuer.jwks(
                  "https://idp.example",
                  "https://idp.example/jwks.json",
                  List.of("api"),
                  false,
                  List.of("RS256")));
      assertThat(settings.issuers())
          .extracting(SpaceConfig.Issuer::issuer)
          .containsExactly("https://idp.example");
      byte[] key = new byte[32];
      settings = remote.setIssuer(SpaceConfig.Issuer.hmac("hs", key, List.of(), true, List.of()));
      assertThat(settings.toJson(false).toString()).doesNotContain("\"secret\"");
      assertThat(remote.removeIssuer("hs").issuers()).hasSize(1);
      assertThatThrownBy(() -> remote.removeIssuer("nobody")).isInstanceOf(AdminException.class);

      assertThat(remote.allow(List.of("10.0.0.0/8", "127.0.0.1")).allow()).contains("10.0.0.0/8");
      assertThat(remote.removeAllowed(List.of("10.0.0.0/8")).allow())
          .containsExactly("127.0.0.1/32");
      assertThat(remote.deny(List.of("198.51.100.0/24")).deny()).containsExactly("198.51.100.0/24");
      assertThat(remote.removeDenied(List.of("198.51.100.0/24")).deny()).isEmpty();
      assertThat(remote.settings().space()).isEqualTo(ManagedGatehouse.DEFAULT_SPACE);
      assertThatThrownBy(() -> remote.allow(List.of("not-an-ip")))
          .isInstanceOf(IllegalArgumentException.class);

      // A dry run reads the settings as stored now, not as the feed last delivered them.
      String writer = remote.createToken(apiToken(false)).token();
      Management.CheckResult check =
          remote.check(
              new Management.CheckRequest(
                  "POST", "/api/items", List.of("x-apikey: " + writer), "127.0.0.1"));
      assertThat(check.allowed()).as(check.explain()).isTrue();
      assertThat(check.explain()).contains("127.0.0.1/32").doesNotContain(writer);
      Management.CheckResult outside =
          remote.check(
              new Management.CheckRequest(
                  "GET", "/api/hello", List.of("x-apikey: " + writer), "192.0.2.1"));
      assertThat(outside.allowed()).isFalse();
      assertThat(outside.status()).isEqualTo(403);

      // Last: trusting two hops locks out callers that come without X-Forwarded-For, this one too.
      assertThat(remote.trustProxies(new SpaceConfig.Proxies(List.of(), 2)).proxies().hops())
          .isEqualTo(2);
      awaitStatus(app, 403, "/_admin/api/settings", "Authorization", "Bearer " + admin);
      assertThatThrownBy(remote::settings)
          .isInstanceOf(PermissionDenied.class)
          .hasMessageContaining("address_denied");
    }
  }

  @Test
  void spacesAreManagedRemotelyAndOnlyDeclaredOnesAreServed() throws Exception {
    String admin = operator().createToken(adminToken(AdminRules.MANAGE)).token();
    try (ManagedGatehouse byHeader =
            ManagedGatehouse.builder(TokenStores.h2Url(dir))
                .pollInterval(Duration.ofMillis(200))
                .spaceResolver(io.gatehouse.core.SpaceResolver.fromHeader("X-Space"))
                .build();
        TestApp tenants = new TestApp(byHeader);
        Management remote = new AdminClient(app.base(), admin, false)) {
      HttpResponse<String> unknown = tenants.get("/api/hello", "X-Space", "qa");
      assertThat(unknown.statusCode()).isEqualTo(403);
      assertThat(unknown.body()).contains("unknown_space").contains("no space 'qa'");

      assertThat(remote.addSpace("qa").name()).isEqualTo("qa");
      assertThat(remote.spaces()).extracting(Management.SpaceView::name).contains("dev", "qa");
      String qaToken =
          byHeader.management("qa", Caller.operator()).createToken(apiToken(false)).token();
      awaitStatus(tenants, 200, "/api/hello", "X-Space", "qa", "x-apikey", qaToken);
      assertThat(tenants.get("/api/hello", "X-Space", "dev", "x-apikey", qaToken).statusCode())
          .as("a token of one space is unknown in another")
          .isEqualTo(401);

      assertThatThrownBy(() -> remote.removeSpace("qa"))
          .isInstanceOf(AdminException.class)
          .extracting(e -> ((AdminException) e).kind())
          .isEqualTo(AdminException.Kind.CONFLICT);
      byHeader.management("qa", Caller.operator()).revoke(qaToken);
      assertThat(remote.removeSpace("qa").name()).isEqualTo("qa");
      awaitStatus(tenants, 403, "/api/hello", "X-Space", "qa", "x-apikey", qaToken);
      assertThatThrownBy(() -> remote.removeSpace("qa"))
          .isInstanceOf(AdminException.class)
          .extracting(e -> ((AdminException) e).kind())
          .isEqualTo(AdminException.Kind.NOT_FOUND);
    }
    String settingsOnly = operator().createToken(adminToken(AdminRules.SETTINGS)).token();
    try (Management weak = new AdminClient(app.base(), settingsOnly, false)) {
      assertThatThrownBy(weak::spaces).isInstanceOf(PermissionDenied.class);
      assertThatThrownBy(() -> weak.addSpace("sneaky")).isInstanceOf(PermissionDenied.class);
    }
  }

  @Test
  void aWeakAdminTokenCannotReachBeyondItsPermissions() throws Exception {
    String tokensOnly = operator().createToken(adminToken(AdminRules.TOKENS)).token();
    try (Management remote = new AdminClient(app.base(), tokensOnly, false)) {
      assertThat(remote.tokens()).isNotEmpty();
      assertThatThrownBy(remote::settings).isInstanceOf(PermissionDenied.class);
      assertThatThrownBy(() -> remote.createToken(adminToken(AdminRules.MANAGE)))
          .isInstanceOf(PermissionDenied.class)
          .hasMessageContaining("manage");
    }
    String apiToken = operator().createToken(apiToken(false)).token();
    assertThat(app.get("/_admin/api/tokens", "x-apikey", apiToken).statusCode()).isEqualTo(403);
    assertThat(app.get("/_admin/api/tokens").statusCode()).isEqualTo(401);
    assertThatThrownBy(() -> new AdminClient(app.base(), apiToken, false).tokens())
        .isInstanceOf(PermissionDenied.class);
  }

  @Test
  void theConsoleIsServedBesideItsApi() throws Exception {
    HttpResponse<String> page = app.get("/_admin/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).contains("html"));
    String admin = operator().createToken(adminToken(AdminRules.MANAGE)).token();
    HttpResponse<String> unknown =
        app.get("/_admin/api/nothing-here", "Authorization", "Bearer " + admin);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(Json.parse(unknown.body())).containsEntry("status", 404L);
  }

  @Test
  void hostileAdminApiBodiesAreA400ThatNeverQuotesThem() throws Exception {
    String admin = operator().createToken(adminToken(AdminRules.MANAGE)).token();
    String secretish = "ghk_" + "x".repeat(40);
    for (String body :
        List.of(
            "{\"cidrs\": [\"" + secretish + "\"],}",
            "{\"cidrs\": 1e400, \"x\": \"" + secretish + "\"}",
            "[".repeat(5000) + "\"" + secretish + "\"",
            "{\"cidrs\": [\"10.0.0.0/8\"], \"cidrs\": [\"" + secretish + "\"]}",
            "{\"cidrs\": \"10.0.0.0/8\"}",
            "\"" + secretish + "\"")) {
      HttpResponse<String> answer =
          app.post("/_admin/api/whitelist", body, "Authorization", "Bearer " + admin);
      assertThat(answer.statusCode()).as(body).isEqualTo(400);
      assertThat(Json.parse(answer.body())).containsKey("error");
      assertThat(answer.body()).doesNotContain(secretish);
    }
    assertThat(operator().settings().allow()).as("nothing was written").isEmpty();
  }

  @Test
  void badStoreUrlsAndSettingsAreRefusedClearly() {
    assertThatThrownBy(() -> ManagedGatehouse.builder("jdbc:mysql://db/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql");
    assertThatThrownBy(() -> ManagedGatehouse.builder("postgres://u:hunter2@db/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> ManagedGatehouse.builder(TokenStores.h2Url(dir)).pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ManagedGatehouse.builder("jdbc:postgresql://127.0.0.1:1/app?password=hunter2")
                    .build())
        .isInstanceOf(AdminException.class)
        .hasMessageContaining("store unreachable")
        .hasMessageNotContaining("hunter2")
        .extracting(e -> ((AdminException) e).kind())
        .isEqualTo(AdminException.Kind.UNAVAILABLE);
  }

  static String hs256(byte[] key, String issuer) throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject("alice");
    claims.setAudience("api");
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(10);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKey(new HmacKey(key));
    jws.setDoKeyValidation(false);
    return jws.getCompactSerialization();
  }

  /** Polls until {@code path} answers {@code status}; fails after 2 s (the promise). */
  static void awaitStatus(TestApp app, int status, String path, String... headers)
      throws Exception {
    long deadline = System.nanoTime() + TWO_SECONDS.toNanos();
    int last;
    do {
      last = app.get(path, headers).statusCode();
      if (last == status) {
        return;
      }
      Thread.sleep(25);
    } while (System.nanoTime() < deadline);
    assertThat(last).as("%s after 2 s", path).isEqualTo(status);
  }
}
