package io.gatehouse.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The app on a real PostgreSQL (embedded), stopped mid-test: {@code /actuator/health} goes from UP
 * to DOWN (503) with the {@code tokenStore} component DOWN, and the answer never names the
 * database. Probes reach health without a credential: the filter guards {@code /api/*} only and the
 * app's chain permits health.
 */
@SpringBootTest(
    classes = {TestApp.class, ProbeChain.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoint.health.show-details=always",
      "management.endpoints.web.exposure.include=health,info,configprops,env",
      "management.endpoint.configprops.show-values=always",
      "management.endpoint.env.show-values=always",
      "gatehouse.filter.url-patterns=/api/*",
      "spring.main.banner-mode=off"
    })
@DirtiesContext
class HealthDownTest {
  private static final String STORE_PASSWORD = "pg-secret-5521";
  private static final String URL_PASSWORD = "url-secret-9187";
  private static EmbeddedPostgres postgres;

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    registry.add(
        "gatehouse.store.url",
        () ->
            "jdbc:postgresql://localhost:"
                + postgres.getPort()
                + "/postgres?password="
                + URL_PASSWORD);
    registry.add("gatehouse.store.username", () -> "postgres");
    // The embedded server trusts local connections: any password opens it.
    registry.add("gatehouse.store.password", () -> STORE_PASSWORD);
  }

  @AfterAll
  static void stop() throws IOException {
    postgres.close();
  }

  @LocalServerPort int port;

  @SuppressWarnings("unchecked")
  static Map<String, Object> gatehouse(HttpResponse<String> health) {
    Map<String, Object> components =
        (Map<String, Object>)
            JsonParserFactory.getJsonParser().parseMap(health.body()).get("components");
    return (Map<String, Object>) components.get("gatehouse");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> component(HttpResponse<String> health, String name) {
    Map<String, Object> details = (Map<String, Object>) gatehouse(health).get("details");
    return (Map<String, Object>) details.get(name);
  }

  @Autowired ManagedGatehouse managed;

  @Test
  void theAppsOwnUserDetailsServiceStillLogsItsUsersIn() {
    Http http = new Http(port);
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (ProbeChain.OPERATOR + ":" + ProbeChain.OPERATOR_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
    String wrong =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((ProbeChain.OPERATOR + ":nope").getBytes(StandardCharsets.UTF_8));
    assertThat(http.get("/actuator/info", "Authorization", basic).statusCode()).isEqualTo(200);
    assertThat(http.get("/actuator/info", "Authorization", wrong).statusCode()).isEqualTo(401);
    assertThat(http.get("/actuator/info").statusCode()).isEqualTo(401);
  }

  @Test
  void actuatorNeverShowsTheStorePasswordEvenWithShowValuesAlways() {
    Http http = new Http(port);
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (ProbeChain.OPERATOR + ":" + ProbeChain.OPERATOR_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> configprops = http.get("/actuator/configprops", "Authorization", basic);
    assertThat(configprops.statusCode()).isEqualTo(200);
    assertThat(configprops.body())
        .contains("gatehouse", "password=***")
        .doesNotContain(STORE_PASSWORD, URL_PASSWORD);
    HttpResponse<String> env = http.get("/actuator/env", "Authorization", basic);
    assertThat(env.statusCode()).isEqualTo(200);
    assertThat(env.body())
        .contains("gatehouse.store.password", "password=***")
        .doesNotContain(STORE_PASSWORD, URL_PASSWORD);
  }

  @Test
  void healthIsDownWhenTheStoreIsDown() throws IOException {
    Http http = new Http(port);
    String token =
        managed
            .management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator())
            .createToken(new Management.TokenRequest(false, false, "probe", null, List.of(), null))
            .token();
    HttpResponse<String> up =
        GatehouseStarterTest.await(
            () -> http.get("/actuator/health"),
            r -> r.statusCode() == 200 && "UP".equals(component(r, "tokenStore").get("status")));
    assertThat(gatehouse(up).get("status")).isEqualTo("UP");
    assertThat(http.get("/api/hello", "x-apikey", token).statusCode()).isEqualTo(200);

    postgres.close();
    HttpResponse<String> down =
        GatehouseStarterTest.await(() -> http.get("/actuator/health"), r -> r.statusCode() == 503);
    assertThat(gatehouse(down).get("status")).isEqualTo("DOWN");
    assertThat(component(down, "tokenStore")).containsEntry("status", "DOWN");
    assertThat(down.body()).doesNotContain("jdbc", "localhost", token);
    // The filter guards /api/* only: there a credential is still needed.
    assertThat(http.get("/api/hello").statusCode()).isEqualTo(401);
  }
}
