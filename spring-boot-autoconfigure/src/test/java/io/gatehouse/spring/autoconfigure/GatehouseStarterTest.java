package io.gatehouse.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.apikey.TokenStores;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot app configured by properties only, on a real H2 store and a real Tomcat on a random port,
 * with Spring Security's default chain (the one this starter configures), method security, the
 * console enabled, Actuator and Micrometer: every answer comes over real HTTP.
 */
@SpringBootTest(
    classes = TestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "gatehouse.admin.enabled=true",
      "management.endpoints.web.exposure.include=health,metrics",
      "management.endpoint.health.show-details=always",
      "spring.main.banner-mode=off"
    })
class GatehouseStarterTest {
  private static final String HMAC_ISSUER = "https://idp.spring.test";
  private static final String JWKS_ISSUER = "https://jwks.spring.test";
  private static final byte[] HMAC_KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final HttpServer JWKS = jwksServer();

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("gatehouse-spring-store");
    registry.add("gatehouse.store.url", () -> TokenStores.h2Url(dir));
  }

  @AfterAll
  static void stopJwks() {
    JWKS.stop(0);
  }

  @LocalServerPort int port;
  @Autowired ManagedGatehouse managed;
  @Autowired MeterRegistry registry;

  private Http http;
  private Management operator;

  @BeforeEach
  void setUp() {
    http = new Http(port);
    operator = managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
  }

  private String token(boolean admin, boolean readOnly, List<String> permissions) {
    return operator
        .createToken(
            new Management.TokenRequest(admin, readOnly, "spring", null, permissions, null))
        .token();
  }

  @Test
  void noCredentialIsRefusedByGatehouseWithItsProblemAndChallengeNotSpringSecuritys() {
    HttpResponse<String> response = http.get("/api/hello");
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.headers().allValues("www-authenticate")).isNotEmpty();
    assertThat(response.body()).contains("missing_credentials");

    HttpResponse<String> unknown =
        http.get("/api/hello", "x-apikey", token(false, false, List.of()) + "x");
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.headers().firstValue("content-type")).hasValue("application/problem+json");
  }

  @Test
  void anApiTokenIsTheSpringAuthenticationWithItsAccessAuthority() {
    String token = token(false, false, List.of());
    HttpResponse<String> hello = http.get("/api/hello", "x-apikey", token);
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(hello.body()).startsWith("hello ");

    HttpResponse<String> me = http.get("/api/me", "x-apikey", token);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).endsWith(" GATEHOUSE_READ_WRITE");
  }

  @Test
  void aReadOnlyTokenMayReadButTheFilterRefusesItsWrite() {
    String token = token(false, true, List.of());
    assertThat(http.get("/api/me", "x-apikey", token).body()).endsWith(" GATEHOUSE_READ");
    HttpResponse<String> write = http.post("/api/items", "x-apikey", token);
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(write.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(write.body()).contains("insufficient_access");
  }

  @Test
  void preAuthorizeOnAPermissionAdmitsTheAdminTokenHoldingItAndRefusesTheOthers() {
    String deployer = token(true, false, List.of("deploy"));
    String backup = token(true, false, List.of("backup"));
    String api = token(false, false, List.of());

    HttpResponse<String> allowed = http.post("/api/deploy", "Authorization", "Bearer " + deployer);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).isEqualTo("deployed");
    assertThat(http.get("/api/me", "Authorization", "Bearer " + deployer).body())
        .endsWith(" GATEHOUSE_ADMIN,deploy");

    HttpResponse<String> denied = http.post("/api/deploy", "Authorization", "Bearer " + backup);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(denied.body()).contains("insufficient_access");
    assertThat(http.post("/api/deploy", "x-apikey", api).statusCode()).isEqualTo(403);
  }

  @Test
  void aJwtsScopesAreScopeAuthoritiesAndNeverPassForAPermission() {
    operator.setIssuer(
        SpaceConfig.Issuer.hmac(HMAC_ISSUER, HMAC_KEY, List.of("api"), false, List.of()));
    String jwt = Jwts.hs256(HMAC_KEY, HMAC_ISSUER, "carol", "reports deploy", Instant.now());
    String bearer = "Bearer " + jwt;

    HttpResponse<String> me = await(() -> http.get("/api/me", "Authorization", bearer), ok());
    assertThat(me.body()).isEqualTo("carol GATEHOUSE_READ_WRITE,SCOPE_deploy,SCOPE_reports");
    // A scope named deploy is not the deploy permission of an admin token.
    assertThat(http.post("/api/deploy", "Authorization", bearer).statusCode()).isEqualTo(403);
  }

  @Test
  void anAuthHookBeanIsInThePipelineAndItsDenialIsGatehousesRefusal() {
    String token = token(false, false, List.of());
    HttpResponse<String> closed = http.get("/api/closed", "x-apikey", token);
    assertThat(closed.statusCode()).isEqualTo(403);
    assertThat(closed.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(closed.body()).contains("hook_denied");
  }

  @Test
  void theConsoleAndTheAdminApiKeepSpringSecuritysProtectiveHeaders() {
    HttpResponse<String> console = http.get("/_admin/");
    assertThat(console.statusCode()).isEqualTo(200);
    assertThat(console.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(console.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    // The admin API sets none of its own: these are Spring Security's, on the admin chain.
    String manager = token(true, false, List.of("manage"));
    for (HttpResponse<String> api :
        List.of(
            http.get("/_admin/api/tokens"),
            http.get("/_admin/api/tokens", "Authorization", "Bearer " + manager))) {
      assertThat(api.headers().firstValue("x-frame-options")).hasValue("DENY");
      assertThat(api.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      assertThat(api.headers().firstValue("cache-control")).isPresent();
    }
  }

  @Test
  void theConsoleIsServedAtAdminAndTheAdminApiTakesAdminTokens() {
    HttpResponse<String> console = http.get("/_admin/");
    assertThat(console.statusCode()).isEqualTo(200);
    assertThat(console.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(http.get("/_admin/api/tokens").statusCode()).isEqualTo(401);
    String manager = token(true, false, List.of("manage"));
    assertThat(http.get("/_admin/api/tokens", "Authorization", "Bearer " + manager).statusCode())
        .isEqualTo(200);
  }

  @Test
  void healthShowsTheStoreTheFeedAndTheJwksSources() {
    int jwksPort = JWKS.getAddress().getPort();
    operator.setIssuer(
        SpaceConfig.Issuer.jwks(
            JWKS_ISSUER,
            "http://127.0.0.1:" + jwksPort + "/jwks.json",
            List.of("api"),
            false,
            List.of()));
    String token = token(false, false, List.of());
    String forged = "Bearer " + Jwts.unsigned(JWKS_ISSUER, "k1", Instant.now());
    // The issuer's source exists once a token names it (the signature never verifies).
    await(
        () -> http.get("/api/hello", "Authorization", forged),
        r -> r.statusCode() == 401 && r.body().contains("bad_signature"));

    HttpResponse<String> health =
        await(
            () -> http.get("/actuator/health", "x-apikey", token),
            r -> r.body().contains("\"jwks-1\""));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains(
            "\"gatehouse\"", "\"tokenStore\":{\"status\":\"UP\"", "\"changeFeed\":{\"status\"")
        .contains("\"jwks-1\":{\"status\":\"UP\"")
        .doesNotContain("127.0.0.1", "jwks.json", token);
  }

  @Test
  void decisionsAreCountedInTheMeterRegistryAndServedByTheMetricsEndpoint() {
    String token = token(false, false, List.of());
    http.get("/api/hello", "x-apikey", token);
    http.get("/api/hello");
    double decisions =
        registry.find("gatehouse.decisions").functionCounters().stream()
            .mapToDouble(FunctionCounter::count)
            .sum();
    assertThat(decisions).isGreaterThanOrEqualTo(2);

    HttpResponse<String> metric =
        http.get("/actuator/metrics/gatehouse.decisions", "x-apikey", token);
    assertThat(metric.statusCode()).isEqualTo(200);
    assertThat(metric.body()).contains("\"name\":\"gatehouse.decisions\"", "\"COUNT\"");
  }

  static Predicate<HttpResponse<String>> ok() {
    return response -> response.statusCode() == 200;
  }

  /** Settings reach the pipeline within 2 s of a change: ask again until they have. */
  static HttpResponse<String> await(
      Supplier<HttpResponse<String>> call, Predicate<HttpResponse<String>> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<String> response = call.get();
    while (!done.test(response) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      response = call.get();
    }
    assertThat(done).as(response.statusCode() + " " + response.body()).accepts(response);
    return response;
  }

  /** A loopback JWKS endpoint serving one RSA public key, kid k1. */
  private static HttpServer jwksServer() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
      String jwks =
          "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\""
              + unsigned(key.getModulus())
              + "\",\"e\":\""
              + unsigned(key.getPublicExponent())
              + "\"}]}";
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      HttpServer server =
          HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/jwks.json",
          exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
