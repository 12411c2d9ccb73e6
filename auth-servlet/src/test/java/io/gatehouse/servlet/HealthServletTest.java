package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Health;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health servlet on a real Jetty: status codes, terse body, no caching. */
class HealthServletTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final AtomicReference<Supplier<Health>> health = new AtomicReference<>();
  private Server server;
  private ServerConnector connector;

  @BeforeEach
  void start() throws Exception {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/_health");
    context.addServlet(new ServletHolder(HealthServlet.of(() -> health.get().get())), "/*");
    server.setHandler(context);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void healthIs(Health.Status store, Health.Status jwks) {
    Health now =
        Health.of(
            List.of(
                new Health.Component("tokenStore", store, true, Map.of("error", "PSQLException")),
                Health.Component.of("jwks-1", jwks, false)));
    health.set(() -> now);
  }

  @Test
  void readyIs200WhileUpOrDegradedAnd503WhenDownWithStatusesOnly() throws Exception {
    healthIs(Health.Status.UP, Health.Status.UP);
    HttpResponse<String> up = send("GET", "/_health/ready");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body())
        .isEqualTo("{\"status\":\"UP\",\"components\":{\"tokenStore\":\"UP\",\"jwks-1\":\"UP\"}}");
    assertThat(up.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(up.headers().firstValue("content-type").orElse("")).startsWith("application/json");

    healthIs(Health.Status.UP, Health.Status.DOWN);
    HttpResponse<String> degraded = send("GET", "/_health/ready");
    assertThat(degraded.statusCode()).isEqualTo(200);
    assertThat(degraded.body()).startsWith("{\"status\":\"DEGRADED\"");

    healthIs(Health.Status.DOWN, Health.Status.UP);
    HttpResponse<String> down = send("GET", "/_health/ready");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body())
        .startsWith("{\"status\":\"DOWN\"")
        .doesNotContain("PSQLException"); // details stay in the Java API
    assertThat(down.headers().firstValue("cache-control")).hasValue("no-store");

    HttpResponse<String> live = send("GET", "/_health/live");
    assertThat(live.statusCode()).as("live while not ready").isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(live.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void aHealthSupplierThatThrowsIsDown() throws Exception {
    health.set(
        () -> {
          throw new IllegalStateException("jdbc:postgresql://db.internal/app");
        });
    HttpResponse<String> ready = send("GET", "/_health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"status\":\"DOWN\",\"components\":{}}");
  }

  @Test
  void otherPathsAre404AndOtherMethods405AndHeadHasNoBody() throws Exception {
    healthIs(Health.Status.UP, Health.Status.UP);
    assertThat(send("GET", "/_health/other").statusCode()).isEqualTo(404);
    assertThat(send("GET", "/_health/").statusCode()).isEqualTo(404);
    assertThat(send("POST", "/_health/ready").statusCode()).isEqualTo(405);
    HttpResponse<String> head = send("HEAD", "/_health/ready");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }
}
