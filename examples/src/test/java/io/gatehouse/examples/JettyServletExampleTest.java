package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.ManagedGatehouse;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's walk-through against the Jetty example on its own store. */
class JettyServletExampleTest {
  @TempDir Path store;

  @Test
  void realTokensFromTheStoreAndAWhitelistThatAppliesWithin2s() throws Exception {
    ServletContextHandler context = new ServletContextHandler();
    ManagedGatehouse managed = JettyServletExample.embed(context, store);
    try (Operator operator = new Operator(store)) {
      Server server = JettyServletExample.start(0, context);
      try {
        URI base =
            URI.create(
                "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        URI me = base.resolve("/api/me");
        String token = operator.addToken(false);
        assertThat(token).startsWith("ghk_");

        HttpResponse<String> allowed = operator.awaitStatus(me, token, 200, Duration.ofSeconds(2));
        assertThat(allowed.body())
            .contains("\"access\":\"READ_WRITE\"", "\"space\":\"dev\"", "\"client\":\"127.0.0.1\"");

        HttpResponse<String> anonymous = operator.get(me, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();

        HttpResponse<String> readOnlyWrite = operator.post(me, operator.addToken(true));
        assertThat(readOnlyWrite.statusCode()).isEqualTo(403);
        // Outside office hours the hook refuses first; ManagedGatehouse's clock does not reach
        // the pipeline's AuthContext.now() yet, so this cannot pin the hour.
        assertThat(readOnlyWrite.body()).containsAnyOf("insufficient_access", "hook_denied");

        HttpResponse<String> console = operator.get(base.resolve("/_admin/"), null);
        assertThat(console.statusCode()).isEqualTo(200);
        assertThat(console.headers().firstValue("Content-Type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));

        operator.whitelist("192.0.2.0/24"); // TEST-NET-1: not the loopback this test calls from
        HttpResponse<String> outside = operator.awaitStatus(me, token, 403, Duration.ofSeconds(2));
        assertThat(outside.body()).contains("address_denied");
      } finally {
        server.stop();
      }
    } finally {
      managed.close();
    }
  }
}
