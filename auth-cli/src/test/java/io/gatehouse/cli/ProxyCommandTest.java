package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse proxy} in front of a loopback JDK HttpServer, on the same store as the CLI. */
class ProxyCommandTest {
  private static final Pattern LISTENING = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+) ");

  @TempDir Path dir;

  @Test
  void proxyDecidesWithTheStoreAndPassesTheIdentity() throws Exception {
    AtomicReference<String> seenSubject = new AtomicReference<>();
    HttpServer app =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    app.createContext(
        "/",
        exchange -> {
          seenSubject.set(exchange.getRequestHeaders().getFirst("X-Gatehouse-Subject"));
          byte[] body = "app".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    app.start();
    Cli cli = new Cli(dir);
    try {
      String token = cli.run("add-token", "--name", "web").token();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CliEnvironment environment =
          new CliEnvironment(
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              Map.of(),
              dir,
              Clock.systemUTC(),
              server -> {});
      String upstream = "http://127.0.0.1:" + app.getAddress().getPort();
      AtomicReference<Integer> exit = new AtomicReference<>();
      Thread running =
          new Thread(
              () ->
                  exit.set(
                      Main.execute(environment, "proxy", "--upstream", upstream, "--port", "0")));
      running.start();
      int port = awaitPort(out, err);
      URI hello = URI.create("http://127.0.0.1:" + port + "/api/hello");
      HttpResponse<String> allowed = Cli.get(hello, "x-apikey", token, "X-Gatehouse-Subject", "x");
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body()).isEqualTo("app");
      assertThat(seenSubject.get()).isNotNull().isNotEqualTo("x");
      HttpResponse<String> refused = Cli.get(hello);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("www-authenticate")).isPresent();
      running.interrupt();
      running.join(20_000);
      assertThat(running.isAlive()).isFalse();
      assertThat(exit.get()).isEqualTo(Main.EXIT_OK);
      assertThat(out.toString()).doesNotContain(token);
    } finally {
      app.stop(0);
    }
  }

  @Test
  void badUpstreamsAreUsageErrors() {
    Cli cli = new Cli(dir);
    for (String bad :
        new String[] {
          "https://127.0.0.1:3000",
          "http://127.0.0.1:3000/app",
          "::",
          "ftp://user:s3cretPw@127.0.0.1",
          "http://user:s3cretPw@127.0.0.1:3000",
          "http://user:s3cretPw@host with space:3000"
        }) {
      Cli.Result result = cli.run("proxy", "--upstream", bad, "--port", "0");
      assertThat(result.code()).as(bad).isEqualTo(Main.EXIT_USAGE);
      assertThat(result.err()).as(bad).contains("upstream").doesNotContain("s3cretPw");
      assertThat(result.out()).as(bad).doesNotContain("s3cretPw");
    }
    assertThat(cli.run("proxy", "--port", "0").code()).isEqualTo(Main.EXIT_USAGE);
    Cli.Result help = cli.run("proxy", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .startsWith("Usage: gatehouse proxy")
        .contains("--upstream", "--bind", "--store", "--space");
    assertThat(cli.run("--help").out()).contains("proxy");
  }

  private static int awaitPort(StringWriter out, StringWriter err) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      Matcher matcher = LISTENING.matcher(out.toString());
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the proxy did not start: " + out + err);
  }
}
