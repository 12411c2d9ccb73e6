package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** Smoke test: the example starts on a free port, lets a token in and keeps a stranger out. */
class JettyServletExampleTest {
  /** A Wednesday, 10:00 in Paris. */
  static final Clock OFFICE_HOURS =
      Clock.fixed(Instant.parse("2025-03-05T09:00:00Z"), ZoneOffset.UTC);

  @Test
  void allowsATokenAndRefusesWithout() throws Exception {
    Server server = JettyServletExample.start(0, Demo.gatehouse(OFFICE_HOURS));
    try {
      int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      HttpClient client = HttpClient.newHttpClient();
      URI me = URI.create("http://127.0.0.1:" + port + "/api/me");

      HttpResponse<String> allowed =
          client.send(
              HttpRequest.newBuilder(me).header("x-apikey", Demo.READ_TOKEN).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body())
          .isEqualTo(
              "{\"subject\":\"reader\",\"access\":\"READ\",\"permissions\":[],\"client\":\"127.0.0.1\"}");

      HttpResponse<String> refused =
          client.send(HttpRequest.newBuilder(me).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate"))
          .hasValue("ApiKey realm=\"demo\", header=\"x-apikey\"");

      HttpResponse<String> write =
          client.send(
              HttpRequest.newBuilder(me)
                  .header("x-apikey", Demo.WRITE_TOKEN)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(write.statusCode()).isEqualTo(202);
    } finally {
      server.stop();
    }
  }
}
