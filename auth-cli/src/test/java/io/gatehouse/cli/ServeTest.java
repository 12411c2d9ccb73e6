package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} on a real port: the demo API, live changes, and remote mode through it. */
class ServeTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  @Test
  void answersWithTheIdentityOrAProblem() throws Exception {
    String readWrite = cli.run("add-token", "--name", "app").token();
    String read = cli.run("add-token", "--readonly").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      assertThat(serve.out.toString()).contains("Gatehouse demo API on http://127.0.0.1:");

      HttpResponse<String> hello = Cli.get(serve.uri("/api/hello"), "x-apikey", readWrite);
      assertThat(hello.statusCode()).isEqualTo(200);
      Map<String, Object> identity = Json.object(Json.parse(hello.body()), "identity");
      assertThat(identity)
          .containsEntry("subject", readWrite.substring(4, 14))
          .containsEntry("access", "READ_WRITE")
          .containsEntry("space", "dev")
          .containsEntry("clientAddress", "127.0.0.1");
      assertThat(hello.body()).doesNotContain(readWrite);

      HttpResponse<String> created =
          Cli.post(serve.uri("/api/items"), "{\"name\":\"a\"}", "x-apikey", readWrite);
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.body()).contains("\"created\"", "\"identity\"");

      HttpResponse<String> anonymous = Cli.get(serve.uri("/api/hello"));
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("content-type"))
          .hasValue("application/problem+json");
      assertThat(anonymous.headers().allValues("www-authenticate")).isNotEmpty();

      HttpResponse<String> readOnlyWrite =
          Cli.post(serve.uri("/api/items"), "{}", "x-apikey", read);
      assertThat(readOnlyWrite.statusCode()).isEqualTo(403);
      assertThat(readOnlyWrite.body()).contains("insufficient_access");

      assertThat(Cli.get(serve.uri("/api/nothing"), "x-apikey", read).statusCode()).isEqualTo(404);
      assertThat(Cli.get(serve.uri("/api/items"), "x-apikey", read).statusCode()).isEqualTo(405);
      assertThat(Cli.post(serve.uri("/api/hello"), "", "x-apikey", readWrite).statusCode())
          .isEqualTo(405);
      assertThat(
              Cli.post(serve.uri("/api/items"), "x".repeat(70_000), "x-apikey", readWrite)
                  .statusCode())
          .isEqualTo(413);
    }
  }

  @Test
  void changesMadeWithTheCliApplyWithinTwoSeconds() throws Exception {
    String token = cli.run("add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      Cli.StatusProbe hello =
          () -> Cli.get(serve.uri("/api/hello"), "x-apikey", token).statusCode();
      assertThat(hello.status()).isEqualTo(200);

      assertThat(cli.run("whitelist", "192.0.2.0/24").code()).isZero();
      assertThat(Cli.await(403, Duration.ofSeconds(2), hello)).isLessThan(Duration.ofSeconds(2));

      assertThat(cli.run("whitelist", "127.0.0.1").code()).isZero();
      assertThat(Cli.await(200, Duration.ofSeconds(2), hello)).isLessThan(Duration.ofSeconds(2));

      assertThat(cli.run("revoke", token).code()).isZero();
      assertThat(Cli.await(401, Duration.ofSeconds(2), hello)).isLessThan(Duration.ofSeconds(2));

      String fresh = cli.run("add-token").token();
      assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", fresh).statusCode()).isEqualTo(200);

      String secret =
          Cli.lines(cli.run("jwt-secret", "--generate", "--audience", "api").out()).get(1);
      String jwt = Jwts.hs256(secret, "gatehouse", "alice");
      Cli.StatusProbe bearer =
          () -> Cli.get(serve.uri("/api/hello"), "Authorization", "Bearer " + jwt).statusCode();
      assertThat(Cli.await(200, Duration.ofSeconds(2), bearer)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void denylistChangesMadeWithTheCliApplyWithinTwoSeconds() throws Exception {
    String token = cli.run("add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      Cli.StatusProbe hello =
          () -> Cli.get(serve.uri("/api/hello"), "x-apikey", token).statusCode();
      assertThat(hello.status()).isEqualTo(200);

      assertThat(cli.run("denylist", "127.0.0.1").code()).isZero();
      assertThat(Cli.await(403, Duration.ofSeconds(2), hello)).isLessThan(Duration.ofSeconds(2));
      assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", token).body())
          .contains("address_denied");

      assertThat(cli.run("whitelist", "127.0.0.0/8").code()).isZero(); // deny still wins
      assertThat(cli.run("denylist", "--remove", "127.0.0.1").code()).isZero();
      assertThat(Cli.await(200, Duration.ofSeconds(2), hello)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void remoteDenylistActsThroughTheAdminApi() throws Exception {
    String settings = cli.run("add-admintoken", "--ops", "settings").token();
    String tokensOnly = cli.run("add-admintoken", "--ops", "tokens").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      Cli remote = new Cli(dir.resolve("elsewhere")); // no store there: everything goes remote
      remote.env.put("GATEHOUSE_SERVER", serve.server.uri().toString());
      remote.env.put("GATEHOUSE_ADMINTOKEN", settings);

      assertThat(remote.run("denylist").out()).contains("No denylist in space 'dev'");
      Cli.Result added = remote.run("denylist", "198.51.100.0/24");
      assertThat(added.code()).as(added.toString()).isZero();
      assertThat(added.out()).contains("Denied 198.51.100.0/24 in space 'dev'");
      assertThat(remote.run("denylist").out()).contains("  198.51.100.0/24");
      assertThat(cli.run("denylist").out()).contains("  198.51.100.0/24"); // the same store
      assertThat(remote.run("denylist", "999.1.1.1").code()).isEqualTo(Main.EXIT_USAGE);

      remote.env.put("GATEHOUSE_ADMINTOKEN", tokensOnly);
      Cli.Result refused = remote.run("denylist", "203.0.113.0/24");
      assertThat(refused.code()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(refused.err()).contains("the server refused the admin token");
      assertThat(remote.run("denylist", "--remove", "198.51.100.0/24").code())
          .isEqualTo(Main.EXIT_REFUSED);
      assertThat(cli.run("denylist").out()).contains("198.51.100.0/24").doesNotContain("203.0");

      remote.env.put("GATEHOUSE_ADMINTOKEN", settings);
      assertThat(remote.run("denylist", "--remove", "198.51.100.0/24").out())
          .contains("Removed 198.51.100.0/24");
      assertThat(remote.run("denylist", "--remove", "198.51.100.0/24").code())
          .isEqualTo(Main.EXIT_REFUSED); // 404: no longer there
      assertThat(cli.run("denylist").out()).contains("No denylist");
    }
  }

  @Test
  void remoteModeActsThroughTheAdminApi() throws Exception {
    String admin = cli.run("add-admintoken", "--ops", "manage").token();
    String deployer = cli.run("add-admintoken", "--ops", "deploy").token();
    String api = cli.run("add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      String server = serve.server.uri().toString();
      Cli remote = new Cli(dir.resolve("elsewhere")); // no store there: everything goes remote
      remote.env.put("GATEHOUSE_SERVER", server);
      remote.env.put("GATEHOUSE_ADMINTOKEN", admin);

      Cli.Result added = remote.run("add-token", "--readonly", "--name", "remote");
      assertThat(added.code()).as(added.toString()).isZero();
      assertThat(added.out()).matches("Created new token ghk_\\S+ with access READ\\R");
      assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", added.token()).statusCode())
          .isEqualTo(200);

      Cli.Result adminAdded = remote.run("add-admintoken", "--ops", "deploy", "--team", "ops");
      assertThat(adminAdded.out()).startsWith("New admin token added: gha_");
      assertThat(remote.run("tokens").out()).contains("remote", "ADMIN(deploy)");
      assertThat(remote.run("revoke", added.token()).out()).startsWith("Revoked token");
      assertThat(remote.run("revoke", "AAAAAAAAAA").code()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(remote.run("rotate", api.substring(4, 14), "--grace", "1h").out())
          .contains("Rotated token", "keeps working until");
      assertThat(remote.run("import-token", "123e4567-e89b-12d3-a456-426614174000").out())
          .startsWith("Imported token");

      assertThat(
              remote
                  .run(
                      "jwks",
                      "https://idp.example/jwks.json",
                      "--issuer",
                      "https://idp.example/",
                      "--audience",
                      "api")
                  .out())
          .startsWith("Set JWKS url to space 'dev'");
      assertThat(remote.run("jwt-secret", "--generate", "--issuer", "me", "--any-audience").out())
          .contains("Set HS256 secret for issuer 'me'");
      assertThat(remote.run("jwks").out())
          .contains("me  HS secret (256 bits, fingerprint sha256:", "https://idp.example/")
          .contains("WARNING: accepts tokens minted for ANY audience");
      assertThat(remote.run("jwks", "--remove", "me").out()).contains("Removed issuer 'me'");
      assertThat(remote.run("jwks", "http://idp.example/jwks").code()).isEqualTo(Main.EXIT_USAGE);

      assertThat(remote.run("trust-proxy", "10.0.0.0/8").out()).contains("10.0.0.0/8");
      assertThat(remote.run("trust-proxy", "--none").out()).contains("Trusting no proxy");
      assertThat(remote.run("whitelist", "127.0.0.0/8").out()).contains("Allowed 127.0.0.0/8");
      assertThat(remote.run("whitelist").out()).contains("127.0.0.0/8");
      assertThat(remote.run("whitelist", "--remove", "127.0.0.0/8").out()).contains("Removed");
      assertThat(cli.run("whitelist").out()).contains("No allowlist"); // the same store

      Cli.Result check = remote.run("check", "-H", "x-apikey: " + api, "GET", "/api/hello");
      assertThat(check.code()).isZero();
      assertThat(check.out()).startsWith("ALLOW"); // the old text works for the 1 h grace
      assertThat(remote.run("check", "GET", "/api/hello").code()).isEqualTo(Main.EXIT_REFUSED);

      remote.env.put("GATEHOUSE_ADMINTOKEN", deployer);
      Cli.Result refused = remote.run("tokens");
      assertThat(refused.code()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(refused.err()).contains("the server refused the admin token").contains("manage");
      remote.env.put("GATEHOUSE_ADMINTOKEN", api);
      Cli.Result apiToken = remote.run("tokens");
      assertThat(apiToken.code()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(apiToken.err()).contains("the server refused the admin token");

      HttpResponse<String> unknownRoute =
          Cli.get(serve.uri("/_admin/api/nothing"), "Authorization", "Bearer " + admin);
      assertThat(unknownRoute.statusCode()).isEqualTo(404);
      HttpResponse<String> badJson =
          Cli.post(serve.uri("/_admin/api/whitelist"), "[1,2", "Authorization", "Bearer " + admin);
      assertThat(badJson.statusCode()).isEqualTo(400);
    }
  }

  @Test
  void unreachableServerIsExitThree() {
    cli.env.put("GATEHOUSE_ADMINTOKEN", "gha_whatever");
    Cli.Result result = cli.run("--server", "http://127.0.0.1:1", "tokens");

    assertThat(result.code()).isEqualTo(Main.EXIT_UNAVAILABLE);
    assertThat(Cli.lines(result.err())).hasSize(1);
    assertThat(cli.run("--server", "ftp://x", "tokens").code()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void aPortInUseIsAUsageError() throws Exception {
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      Cli.Result second = cli.run("serve", "--port", String.valueOf(serve.server.port()));
      assertThat(second.code()).as(second.toString()).isEqualTo(Main.EXIT_USAGE);
      assertThat(second.err()).contains("try another --port");
    }
  }
}
