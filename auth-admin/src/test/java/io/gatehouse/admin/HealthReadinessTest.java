package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Health;
import io.gatehouse.servlet.GatehouseFilter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness of an app embedding {@link ManagedGatehouse} on a real PostgreSQL, behind a real Jetty
 * whose Gatehouse filter guards every path but {@code /_health/*}: 503 within 5 s of PostgreSQL
 * stopping, 200 again once it is back, liveness 200 throughout; a JWKS source with no keys is DOWN
 * but only degrades readiness; and nothing in the health answers names the database, the identity
 * provider, a host or a token.
 */
class HealthReadinessTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ISSUER = "https://idp.health.test";

  @TempDir Path dir;

  private EmbeddedPostgres postgres;
  private Server idp;
  private ManagedGatehouse managed;
  private Server server;
  private ServerConnector connector;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (managed != null) {
      managed.close();
    }
    if (idp != null) {
      idp.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void readinessFollowsPostgresAndHealthNeverNamesAnAddressOrSecret() throws Exception {
    Path data = dir.resolve("pgdata");
    postgres = startPostgres(data, 0);
    int port = postgres.getPort();
    String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
    idp = identityProviderThatFails();
    int idpPort = ((ServerConnector) idp.getConnectors()[0]).getLocalPort();
    String jwksUrl = "http://127.0.0.1:" + idpPort + "/keys/jwks.json";
    managed = ManagedGatehouse.builder(jdbcUrl).pollInterval(Duration.ofMillis(100)).build();
    Management operator = managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
    operator.setIssuer(SpaceConfig.Issuer.jwks(ISSUER, jwksUrl, List.of("api"), false, List.of()));
    String token =
        operator
            .createToken(new Management.TokenRequest(false, false, "app", null, List.of(), null))
            .token();
    startApp();

    // A JWT for the issuer makes its JWKS source (whose IdP answers 500: no keys, DOWN).
    String jwt = unsignedJwt();
    assertThat(get("/api/hello", "Authorization", "Bearer " + jwt).statusCode()).isEqualTo(503);
    HttpResponse<String> degraded =
        awaitReady(r -> r.statusCode() == 200 && r.body().contains("\"jwks-1\":\"DOWN\""), 10);
    assertThat(degraded.body())
        .startsWith("{\"status\":\"DEGRADED\"")
        .contains("\"tokenStore\":\"UP\"", "\"changeFeed\":\"UP\"");
    Health.Component source = managed.health().component("jwks-1");
    assertThat(source).isNotNull();
    assertThat(source.details())
        .containsEntry("keys", "0")
        .containsEntry("lastError", "HttpStatus500");

    // Every path but health needs a credential.
    assertThat(get("/api/hello").statusCode()).isEqualTo(401);
    assertThat(get("/anything").statusCode()).isEqualTo(401);
    assertThat(get("/_admin/api/tokens").statusCode()).isEqualTo(401);
    assertThat(get("/api/hello", "x-apikey", token).statusCode()).isEqualTo(200);

    List<String> forbidden =
        List.of(
            jdbcUrl,
            jwksUrl,
            "jdbc",
            "127.0.0.1",
            "localhost",
            "jwks.json",
            "idp.health.test",
            ":" + port,
            Integer.toString(idpPort),
            token,
            jwt);
    assertNoneOf(forbidden, degraded.body(), managed.health().toString());

    postgres.close();
    long stopped = System.nanoTime();
    HttpResponse<String> down = awaitReady(r -> r.statusCode() == 503, 5);
    Duration toDown = Duration.ofNanos(System.nanoTime() - stopped);
    assertThat(toDown).isLessThan(Duration.ofSeconds(5));
    assertThat(down.body()).startsWith("{\"status\":\"DOWN\"").contains("\"tokenStore\":\"DOWN\"");
    assertThat(down.headers().firstValue("cache-control")).hasValue("no-store");
    HttpResponse<String> live = get("/_health/live");
    assertThat(live.statusCode()).as("live while not ready").isEqualTo(200);
    assertThat(get("/api/hello").statusCode()).as("still guarded").isEqualTo(401);
    Health.Component store = managed.health().component("tokenStore");
    assertThat(store).isNotNull();
    assertThat(store.details()).containsKey("error");
    assertNoneOf(forbidden, down.body(), managed.health().toString());

    postgres = startPostgres(data, port);
    long restarted = System.nanoTime();
    HttpResponse<String> back = awaitReady(r -> r.statusCode() == 200, 30);
    assertThat(back.body()).contains("\"tokenStore\":\"UP\"");
    System.out.printf(
        "readiness: 503 %d ms after PostgreSQL stopped, 200 %d ms after it was back%n",
        toDown.toMillis(), Duration.ofNanos(System.nanoTime() - restarted).toMillis());
  }

  private static EmbeddedPostgres startPostgres(Path data, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  /** A loopback identity provider whose JWKS endpoint answers 500. */
  private static Server identityProviderThatFails() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                response.setStatus(500);
              }
            }),
        "/keys/jwks.json");
    server.setHandler(context);
    server.start();
    return server;
  }

  /** A JWT that names the issuer and a key id; its signature never gets checked (no keys). */
  private static String unsignedJwt() {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}";
    long exp = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
    String payload =
        "{\"iss\":\"" + ISSUER + "\",\"aud\":\"api\",\"sub\":\"someone\",\"exp\":" + exp + "}";
    return base64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
        + "."
        + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + base64.encodeToString(new byte[256]);
  }

  /** The app: the filter on every path of the root context, health in a context of its own. */
  private void startApp() throws Exception {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler app = new ServletContextHandler();
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(managed.gatehouse()).build());
    filter.setAsyncSupported(true);
    app.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    app.addServlet(new ServletHolder(new Hello()), "/*");
    ServletHolder admin = new ServletHolder(managed.adminServlet());
    admin.setAsyncSupported(true);
    app.addServlet(admin, ManagedGatehouse.ADMIN_PATH + "/*");
    ServletContextHandler health = new ServletContextHandler();
    health.setContextPath(ManagedGatehouse.HEALTH_PATH);
    health.addServlet(new ServletHolder(managed.healthServlet()), "/*");
    server.setHandler(new ContextHandlerCollection(health, app));
    server.start();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + path))
            .timeout(Duration.ofSeconds(10))
            .GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls readiness every 100 ms until {@code done}, for at most {@code seconds}. */
  private HttpResponse<String> awaitReady(Predicate<HttpResponse<String>> done, int seconds)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    HttpResponse<String> response = get("/_health/ready");
    while (!done.test(response) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      response = get("/_health/ready");
    }
    assertThat(done.test(response))
        .as("readiness within %d s, last: %d %s", seconds, response.statusCode(), response.body())
        .isTrue();
    return response;
  }

  private static void assertNoneOf(List<String> forbidden, String... shown) {
    for (String text : shown) {
      for (String secret : forbidden) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  /** The app's own answer to an allowed request. */
  static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.getWriter().write("hello");
    }
  }
}
