package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.RawHttp;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --space-from host|path|header} on one store for every space, {@code gatehouse
 * spaces}, and bad input (odd space names, wrong or unreachable store URLs).
 */
class SpacesServeTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  private static RawHttp.Response getWithHost(Cli.Running serve, String host, String token)
      throws Exception {
    try (RawHttp http = new RawHttp(serve.server.uri().getPort())) {
      http.send(
          "GET /api/hello HTTP/1.1\r\nHost: "
              + host
              + "\r\nx-apikey: "
              + token
              + "\r\nConnection: close\r\n\r\n");
      return http.read();
    }
  }

  @Test
  void serveSpaceFromHostMapsTheFirstLabelAndRefusesUnknownSpacesAndAddresses() throws Exception {
    String dev = cli.run("add-token").token();
    String prod = cli.run("--space", "prod", "add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0", "--space-from", "host")) {
      assertThat(serve.out.toString()).contains("spaces from the Host header's first label");

      assertThat(getWithHost(serve, "dev.example.com", dev).status()).isEqualTo(200);
      assertThat(getWithHost(serve, "prod.example.com:8080", prod).status()).isEqualTo(200);
      assertThat(getWithHost(serve, "prod.example.com", dev).status())
          .as("a dev token in prod")
          .isEqualTo(401);
      RawHttp.Response unknown = getWithHost(serve, "qa.example.com", dev);
      assertThat(unknown.status()).isEqualTo(403);
      assertThat(unknown.body()).contains("unknown_space");
      assertThat(getWithHost(serve, "127.0.0.1", dev).status()).isEqualTo(401); // no space
      assertThat(getWithHost(serve, "[::1]", dev).status()).isEqualTo(401);

      // declared by the CLI, served within 2 s; removed, refused again
      assertThat(cli.run("spaces", "--add", "qa").code()).isZero();
      Cli.StatusProbe qa = () -> getWithHost(serve, "qa.example.com", dev).status();
      assertThat(Cli.await(401, Duration.ofSeconds(2), qa)).isLessThan(Duration.ofSeconds(2));
      assertThat(cli.run("spaces", "--remove", "qa").code()).isZero();
      assertThat(Cli.await(403, Duration.ofSeconds(2), qa)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void serveSpaceFromPathReadsTheFirstSegmentAndLeavesThePath() throws Exception {
    String dev = cli.run("add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0", "--space-from", "path")) {
      HttpResponse<String> known = Cli.get(serve.uri("/dev/api/hello"), "x-apikey", dev);
      HttpResponse<String> anonymous = Cli.get(serve.uri("/dev/api/hello"));
      HttpResponse<String> unknown = Cli.get(serve.uri("/nope/api/hello"), "x-apikey", dev);

      assertThat(known.statusCode())
          .as("allowed; the demo app has no /dev/api/hello")
          .isEqualTo(404);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(unknown.statusCode()).isEqualTo(403);
      assertThat(unknown.body()).contains("unknown_space");
    }
  }

  @Test
  void serveSpaceFromHeaderNeedsTheHeader() throws Exception {
    String prod = cli.run("--space", "prod", "add-token").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0", "--space-from", "header")) {
      assertThat(
              Cli.get(serve.uri("/api/hello"), "x-apikey", prod, "X-Gatehouse-Space", "prod")
                  .statusCode())
          .isEqualTo(200);
      assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", prod).statusCode())
          .as("no header: no space, not a default")
          .isEqualTo(401);
      assertThat(
              Cli.get(serve.uri("/api/hello"), "x-apikey", prod, "X-Gatehouse-Space", "ghost")
                  .statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void checkSpaceFromDecidesTheSpaceAsServeDoes() {
    String prod = cli.run("--space", "prod", "add-token").token();

    Cli.Result allowed =
        cli.run(
            "check",
            "--space-from",
            "host",
            "-H",
            "Host: prod.example.com",
            "-H",
            "x-apikey: " + prod,
            "GET",
            "/api/hello");
    Cli.Result unknown =
        cli.run(
            "check", "--space-from", "path", "-H", "x-apikey: " + prod, "GET", "/ghost/api/hello");

    assertThat(allowed.code()).as(allowed.toString()).isZero();
    assertThat(unknown.code()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.out()).contains("no space 'ghost' in this store");
  }

  @Test
  void spacesListsAndRefusesToRemoveASpaceInUse() {
    cli.run("--space", "prod", "add-token");
    cli.run("--space", "staging", "whitelist", "192.0.2.0/24");

    Cli.Result list = cli.run("spaces");
    Cli.Result removeProd = cli.run("spaces", "--remove", "prod");
    Cli.Result removeStaging = cli.run("spaces", "--remove", "staging");
    Cli.Result removeGhost = cli.run("spaces", "--remove", "ghost");

    assertThat(list.code()).isZero();
    assertThat(Cli.lines(list.out())).anyMatch(l -> l.startsWith("prod ") && l.contains(" 1 "));
    assertThat(Cli.lines(list.out())).anyMatch(l -> l.startsWith("dev "));
    assertThat(removeProd.code()).isEqualTo(1);
    assertThat(removeProd.err()).contains("still has 1 live token");
    assertThat(removeStaging.code()).isEqualTo(1);
    assertThat(removeStaging.err()).contains("still has settings");
    assertThat(removeGhost.code()).isEqualTo(1);
  }

  @Test
  void oddSpaceNamesAreRefusedEverywhere() {
    for (String odd : new String[] {"../x", "a b", "a".repeat(65), "\u00e9t\u00e9", ""}) {
      assertThat(cli.run("--space", odd, "tokens").code()).as(odd).isEqualTo(2);
      assertThat(cli.run("spaces", "--add", odd).code()).as(odd).isEqualTo(2);
      assertThat(cli.run("--space", odd, "serve", "--port", "0").code()).as(odd).isEqualTo(2);
    }
    assertThat(cli.run("serve", "--space-from", "cookie").code()).isEqualTo(2);
  }

  @Test
  void aWrongStoreUrlIsAUsageError() {
    for (String url : new String[] {"jdbc:mysql://db/app", "jdbc:h2x:garbled", "postgres://db"}) {
      Cli.Result result = cli.run("--store", url, "tokens");
      assertThat(result.code()).as(result.toString()).isEqualTo(2);
      assertThat(result.err()).contains("unsupported store");
    }
  }

  @Test
  void anUnreachableDatabaseAtStartIsExitThreeWithOneClearLine() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closed + "/gatehouse";
    for (String[] command :
        new String[][] {
          {"--store", url, "tokens"},
          {"--store", url, "add-token"},
          {"--store", url, "serve", "--port", "0"}
        }) {
      Cli.Result result = cli.run(command);
      assertThat(result.code()).as(result.toString()).isEqualTo(3);
      assertThat(Cli.lines(result.err())).as(result.toString()).hasSize(1);
      assertThat(result.err()).contains("unreachable").contains("127.0.0.1:" + closed);
    }
  }
}
