package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console as {@code serve} mounts it, over plain HTTP (no browser needed): sessions reach the
 * admin API under the same permission check as admin tokens, and every state change needs the CSRF
 * token.
 */
class ConsoleServeTest {
  @TempDir Path dir;

  @Test
  void sessionsGoThroughTheAdminApisOwnChecks() throws Exception {
    Cli cli = new Cli(dir);
    String manage = cli.run("add-admintoken", "--ops", "manage").token();
    String tokensOnly = cli.run("add-admintoken", "--ops", "tokens").token();
    String deployOnly = cli.run("add-admintoken", "--ops", "deploy").token();
    String apiToken = cli.run("add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      HttpResponse<String> page = Cli.get(serve.uri("/_admin/"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("script-src 'self'", "frame-ancestors 'none'");
      assertThat(serve.out.toString()).contains("/_admin/");

      // no session, no token: 401
      assertThat(Cli.get(serve.uri("/_admin/api/tokens")).statusCode()).isEqualTo(401);

      // only admin tokens with an admin-API permission may sign in
      assertThat(signIn(serve, apiToken).statusCode()).isEqualTo(401);
      HttpResponse<String> deploy = signIn(serve, deployOnly);
      assertThat(deploy.statusCode()).isEqualTo(403);
      assertThat(deploy.headers().firstValue("Set-Cookie")).isEmpty();

      // a session without the permission: 403, as for the token itself
      Session tokens = session(signIn(serve, tokensOnly));
      assertThat(tokens.get(serve, "/_admin/api/tokens").statusCode()).isEqualTo(200);
      assertThat(tokens.get(serve, "/_admin/api/settings").statusCode()).isEqualTo(403);
      assertThat(
              tokens
                  .send(serve, "POST", "/_admin/api/whitelist", "{\"cidrs\":[\"127.0.0.1\"]}", true)
                  .statusCode())
          .isEqualTo(403);

      // a state change without the CSRF token: 403, and nothing changed
      Session admin = session(signIn(serve, manage));
      HttpResponse<String> noCsrf =
          admin.send(
              serve, "POST", "/_admin/api/tokens", "{\"kind\":\"api\",\"name\":\"x\"}", false);
      assertThat(noCsrf.statusCode()).isEqualTo(403);
      assertThat(admin.get(serve, "/_admin/api/tokens").body()).doesNotContain("\"name\":\"x\"");
      HttpResponse<String> created =
          admin.send(
              serve, "POST", "/_admin/api/tokens", "{\"kind\":\"api\",\"name\":\"x\"}", true);
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(admin.get(serve, "/_admin/api/tokens").body()).contains("\"name\":\"x\"");

      // the test fetch needs settings or manage
      assertThat(
              tokens
                  .send(
                      serve, "POST", "/_admin/jwks-test", "{\"url\":\"http://127.0.0.1:1/\"}", true)
                  .statusCode())
          .isEqualTo(403);
      assertThat(
              admin
                  .send(
                      serve, "POST", "/_admin/jwks-test", "{\"url\":\"http://127.0.0.1:1/\"}", true)
                  .body())
          .contains("\"health\":\"DOWN\"");

      // the CLI's remote mode is unchanged
      assertThat(
              Cli.get(serve.uri("/_admin/api/settings"), "Authorization", "Bearer " + manage)
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void revokingTheAdminTokenEndsItsConsoleSessions() throws Exception {
    Cli cli = new Cli(dir);
    String manage = cli.run("add-admintoken", "--ops", "manage").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      Session session = session(signIn(serve, manage));
      assertThat(session.get(serve, "/_admin/api/tokens").statusCode()).isEqualTo(200);

      // revoked through the store by another process's CLI, not through this server
      cli.run("revoke", manage);

      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
      int status = session.get(serve, "/_admin/api/tokens").statusCode();
      while (status != 401 && System.nanoTime() < deadline) {
        Thread.sleep(50);
        status = session.get(serve, "/_admin/api/tokens").statusCode();
      }
      assertThat(status).as("the session must end within 2 s of the revocation").isEqualTo(401);
    }
  }

  private static HttpResponse<String> signIn(Cli.Running serve, String token) throws Exception {
    return Cli.send(
        HttpRequest.newBuilder(serve.uri("/_admin/session"))
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("token", token)))),
        "Content-Type",
        "application/json");
  }

  private static Session session(HttpResponse<String> signIn) {
    assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
    String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
    return new Session(
        cookie.substring(0, cookie.indexOf(';')), Json.string(Json.parse(signIn.body()), "csrf"));
  }

  private record Session(String cookie, String csrf) {
    HttpResponse<String> get(Cli.Running serve, String path) throws Exception {
      return Cli.get(serve.uri(path), "Cookie", cookie);
    }

    HttpResponse<String> send(
        Cli.Running serve, String method, String path, String body, boolean withCsrf)
        throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(serve.uri(path))
              .method(method, HttpRequest.BodyPublishers.ofString(body));
      return withCsrf
          ? Cli.send(
              request, "Cookie", cookie, "Content-Type", "application/json", "X-CSRF-Token", csrf)
          : Cli.send(request, "Cookie", cookie, "Content-Type", "application/json");
    }
  }
}
