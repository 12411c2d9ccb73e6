package io.gatehouse.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.SpaceSource;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The app's own {@code SecurityFilterChain} (Spring's defaults, a {@code requestMatchers(...)
 * .hasAuthority(...)} rule), spaces from a header, and the console left disabled: the Gatehouse
 * identity reaches that chain with no configuration, Gatehouse's refusals stay its own, and {@code
 * /_admin/} is an ordinary guarded path.
 */
@SpringBootTest(
    classes = {TestApp.class, OwnSecurityChain.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"gatehouse.space-from=header", "spring.main.banner-mode=off"})
class OwnSecurityChainTest {
  private static final String ISSUER = "https://idp.own.test";
  private static final byte[] KEY =
      "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
  private static final String SPACE = SpaceSource.HEADER_NAME;

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("gatehouse-spring-own");
    registry.add("gatehouse.store.url", () -> TokenStores.h2Url(dir));
  }

  @LocalServerPort int port;
  @Autowired ManagedGatehouse managed;

  private Http http;
  private Management operator;

  @BeforeEach
  void setUp() {
    http = new Http(port);
    operator = managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
  }

  private String apiToken() {
    return operator
        .createToken(new Management.TokenRequest(false, false, "own", null, List.of(), null))
        .token();
  }

  @Test
  void aRequestMatcherRuleOnAScopeAuthorityAdmitsTheJwtHoldingItOnly() {
    operator.setIssuer(SpaceConfig.Issuer.hmac(ISSUER, KEY, List.of("api"), false, List.of()));
    String reader = "Bearer " + Jwts.hs256(KEY, ISSUER, "dana", "reports", Instant.now());
    String other = "Bearer " + Jwts.hs256(KEY, ISSUER, "erin", "items", Instant.now());

    HttpResponse<String> allowed =
        GatehouseStarterTest.await(
            () -> http.get("/api/reports", "Authorization", reader, SPACE, "dev"),
            GatehouseStarterTest.ok());
    assertThat(allowed.body()).isEqualTo("reports");
    assertThat(http.get("/api/reports", "Authorization", other, SPACE, "dev").statusCode())
        .isEqualTo(403);
    assertThat(http.get("/api/reports", "x-apikey", apiToken(), SPACE, "dev").statusCode())
        .isEqualTo(403);
    assertThat(http.get("/api/hello", "Authorization", other, SPACE, "dev").body())
        .isEqualTo("hello erin");
  }

  @Test
  void gatehouseRefusalsKeepTheirProblemAndChallengeUnderTheAppsChain() {
    HttpResponse<String> missing = http.get("/api/hello", SPACE, "dev");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(missing.headers().allValues("www-authenticate")).isNotEmpty();
    assertThat(missing.body()).contains("missing_credentials");
  }

  @Test
  void spacesComeFromTheHeaderAndAnUndeclaredSpaceIsRefused() {
    String token = apiToken();
    assertThat(http.get("/api/hello", "x-apikey", token, SPACE, "dev").statusCode()).isEqualTo(200);
    HttpResponse<String> none = http.get("/api/hello", "x-apikey", token);
    assertThat(none.statusCode()).isBetween(400, 403);
    assertThat(none.headers().firstValue("content-type")).hasValue("application/problem+json");
    HttpResponse<String> undeclared = http.get("/api/hello", "x-apikey", token, SPACE, "nowhere");
    assertThat(undeclared.statusCode()).isEqualTo(403);
    assertThat(undeclared.body()).contains("unknown_space");
  }

  @Test
  void anAllowedRequestForAPathNobodyServesGetsBootsErrorPage() {
    HttpResponse<String> missing = http.get("/api/missing", "x-apikey", apiToken(), SPACE, "dev");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("Not Found", "/api/missing");
    // Refused by Gatehouse, never Boot's error page.
    assertThat(http.get("/api/missing", SPACE, "dev").statusCode()).isEqualTo(401);
  }

  @Test
  void withTheConsoleDisabledAdminIsAnOrdinaryGuardedPath() {
    assertThat(http.get("/_admin/", SPACE, "dev").statusCode()).isEqualTo(401);
    // The pipeline keeps /_admin/ for admin tokens wherever it is mounted...
    assertThat(http.get("/_admin/", "x-apikey", apiToken(), SPACE, "dev").statusCode())
        .isEqualTo(403);
    // ...and with the console disabled nothing answers there: 404 through Boot's error page,
    // which the app's chain lets the allowed caller see (Spring Security finds the context saved
    // on the request: the error dispatch is not Gatehouse's to decide or bridge again).
    String manager =
        "Bearer "
            + operator
                .createToken(
                    new Management.TokenRequest(true, false, "ops", null, List.of("manage"), null))
                .token();
    HttpResponse<String> notFound = http.get("/_admin/", "Authorization", manager, SPACE, "dev");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.body()).contains("Not Found", "/_admin/");
    assertThat(http.get("/_admin/api/tokens", "Authorization", manager, SPACE, "dev").statusCode())
        .isEqualTo(404);
  }
}
