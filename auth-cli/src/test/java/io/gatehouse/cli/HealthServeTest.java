package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} answers {@code /_health/live} and {@code /_health/ready} without a credential,
 * tersely, while every other path still needs one: also with {@code --space-from path}, where the
 * Gatehouse filter guards every path of the app.
 */
class HealthServeTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  @Test
  void healthNeedsNoCredentialAndEveryOtherPathStillDoes() throws Exception {
    String token = cli.run("add-token").token();
    String admin = cli.run("add-admintoken", "--ops", "manage").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      assertThat(serve.out.toString()).contains("/_health/ready");
      assertHealthIsOpenAndTerse(serve, token, admin);
      assertThat(Cli.get(serve.uri("/api/hello")).statusCode()).isEqualTo(401);
      assertThat(Cli.get(serve.uri("/api/hello"), "x-apikey", token).statusCode()).isEqualTo(200);
      assertThat(Cli.get(serve.uri("/_admin/api/tokens")).statusCode()).isEqualTo(401);
      assertThat(Cli.get(serve.uri("/_healthz/ready")).statusCode())
          .as("not the health context")
          .isEqualTo(404);
    }
  }

  @Test
  void healthStaysOpenWhenTheFilterGuardsEveryPath() throws Exception {
    String token = cli.run("add-token").token();
    String admin = cli.run("add-admintoken", "--ops", "manage").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0", "--space-from", "path")) {
      assertHealthIsOpenAndTerse(serve, token, admin);
      assertThat(Cli.get(serve.uri("/dev/api/hello")).statusCode()).isEqualTo(401);
      assertThat(Cli.get(serve.uri("/dev/_health/ready")).statusCode()).isEqualTo(401);
      assertThat(Cli.get(serve.uri("/_healthz/ready")).statusCode()).isIn(401, 403);
      assertThat(Cli.get(serve.uri("/_admin/api/tokens")).statusCode()).isEqualTo(401);
    }
  }

  private void assertHealthIsOpenAndTerse(Cli.Running serve, String token, String admin)
      throws Exception {
    HttpResponse<String> live = Cli.get(serve.uri("/_health/live"));
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("cache-control")).hasValue("no-store");
    HttpResponse<String> ready = Cli.get(serve.uri("/_health/ready"));
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(ready.body())
        .matches("\\{\"status\":\"(UP|DEGRADED)\",\"components\":\\{.*\\}\\}")
        .contains("\"tokenStore\":\"UP\"", "\"changeFeed\":")
        .doesNotContain("jdbc")
        .doesNotContain(dir.toString())
        .doesNotContain("127.0.0.1")
        .doesNotContain(token)
        .doesNotContain(admin);
  }
}
