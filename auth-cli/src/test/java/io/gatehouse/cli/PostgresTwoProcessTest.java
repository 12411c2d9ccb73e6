package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared PostgreSQL store: {@code serve} runs in a separate JVM; tokens and settings changed by
 * this process through the CLI reach it within 2 s.
 */
class PostgresTwoProcessTest {
  private static final Pattern LISTENING = Pattern.compile("Gatehouse demo API on (http://\\S+) ");
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  static EmbeddedPostgres postgres;
  static String url;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    url = postgres.getJdbcUrl("postgres", "postgres");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Test
  void aServeInAnotherProcessSeesChangesWithinTwoSeconds() throws Exception {
    Cli cli = new Cli(dir);
    cli.env.put("GATEHOUSE_STORE", url);
    assertThat(cli.run("tokens").out()).contains("No tokens yet"); // creates the schema first

    Process serve =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "--store",
                    url,
                    "serve",
                    "--port",
                    "0"))
            .redirectErrorStream(true)
            .start();
    try {
      URI base = awaitListening(serve);

      Cli.Result added = cli.run("add-token", "--name", "from-cli");
      long created = System.nanoTime();
      String token = added.token();
      Cli.StatusProbe hello =
          () -> Cli.get(base.resolve("/api/hello"), "x-apikey", token).statusCode();
      Cli.await(200, TWO_SECONDS, hello);
      assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(TWO_SECONDS);

      assertThat(cli.run("revoke", token).code()).isZero();
      assertThat(Cli.await(401, TWO_SECONDS, hello)).isLessThan(TWO_SECONDS);

      String other = cli.run("add-token").token();
      Cli.StatusProbe otherHello =
          () -> Cli.get(base.resolve("/api/hello"), "x-apikey", other).statusCode();
      Cli.await(200, TWO_SECONDS, otherHello);
      assertThat(cli.run("whitelist", "192.0.2.0/24").code()).isZero();
      assertThat(Cli.await(403, TWO_SECONDS, otherHello)).isLessThan(TWO_SECONDS);
      assertThat(cli.run("whitelist", "--remove", "192.0.2.0/24").code()).isZero();
      assertThat(Cli.await(200, TWO_SECONDS, otherHello)).isLessThan(TWO_SECONDS);

      // The other commands work on PostgreSQL the same way.
      assertThat(cli.run("tokens").out()).contains("from-cli", "revoked");
      assertThat(cli.run("jwks", "https://idp.example/jwks.json", "--audience", "api").out())
          .startsWith("Set JWKS url");
      assertThat(cli.run("trust-proxy", "--hops", "1").out()).contains("1 hop");
      assertThat(cli.run("trust-proxy", "--none").code()).isZero();
      assertThat(cli.run("check", "-H", "x-apikey: " + other, "GET", "/api/hello").code()).isZero();
    } finally {
      serve.destroy();
      if (!serve.waitFor(10, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
    }
  }

  private static URI awaitListening(Process serve) throws Exception {
    CompletableFuture<URI> listening = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    listening.complete(URI.create(matcher.group(1)));
                  }
                }
              } catch (java.io.IOException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(new AssertionError("serve exited: " + output));
            },
            "serve-output");
    reader.setDaemon(true);
    reader.start();
    return listening.get(90, TimeUnit.SECONDS);
  }
}
