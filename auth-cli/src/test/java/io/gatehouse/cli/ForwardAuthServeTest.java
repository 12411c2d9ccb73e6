package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --forward-auth} answers forward-auth subrequests at {@code /_authz} (itself, not a
 * redirect, and {@code /_authz/<path>} for Envoy) with tokens from the store, outside the demo
 * API's filter; without the option there is no such endpoint.
 */
class ForwardAuthServeTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  @Test
  void serveForwardAuthDecidesTheOriginalRequest() throws Exception {
    String writer = cli.run("add-token").token();
    String reader = cli.run("add-token", "--readonly").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0", "--forward-auth")) {
      assertThat(serve.out.toString()).contains("/_authz");
      HttpResponse<String> allowed =
          Cli.get(
              serve.uri("/_authz"),
              "X-Original-Method",
              "POST",
              "X-Original-URI",
              "/anything?x=1",
              "x-apikey",
              writer);
      assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("X-Gatehouse-Access")).hasValue("read_write");
      assertThat(allowed.headers().firstValue("X-Gatehouse-Space")).hasValue("dev");

      HttpResponse<String> readOnPost =
          Cli.get(
              serve.uri("/_authz"),
              "X-Forwarded-Method",
              "POST",
              "X-Forwarded-Uri",
              "/anything",
              "X-Forwarded-Host",
              "app.example",
              "x-apikey",
              reader);
      assertThat(readOnPost.statusCode()).isEqualTo(403);
      assertThat(readOnPost.body()).contains("\"code\":\"insufficient_access\"");

      HttpResponse<String> envoy = Cli.get(serve.uri("/_authz/items/1"), "x-apikey", reader);
      assertThat(envoy.statusCode()).isEqualTo(200);
      HttpResponse<String> none =
          Cli.get(serve.uri("/_authz"), "X-Original-Method", "GET", "X-Original-URI", "/a");
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().allValues("WWW-Authenticate")).isNotEmpty();
      // The demo API is still there, behind its filter.
      assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", reader).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutTheOptionThereIsNoEndpoint() throws Exception {
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      assertThat(serve.out.toString()).doesNotContain("/_authz");
      assertThat(
              Cli.get(serve.uri("/_authz"), "X-Original-Method", "GET", "X-Original-URI", "/a")
                  .statusCode())
          .isEqualTo(404);
    }
  }
}
