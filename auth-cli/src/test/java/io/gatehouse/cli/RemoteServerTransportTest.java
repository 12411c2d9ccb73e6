package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.admin.AdminClient;
import io.gatehouse.admin.AdminServlet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote mode sends the admin token in plain http only to this machine, or with --insecure. */
class RemoteServerTransportTest {
  private static final String ADMIN_TOKEN = "gha_remote-transport-test-token-000000";

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
    cli.env.put("GATEHOUSE_ADMINTOKEN", ADMIN_TOKEN);
  }

  @Test
  void plainHttpToAnotherHostIsRefusedBeforeAnyConnection() {
    // A connection attempt to 10.1.2.3 would end in a timeout and exit 3, not a usage error.
    Cli.Result refused = cli.run("--server", "http://10.1.2.3:8080", "tokens");

    assertThat(refused.code()).as(refused.toString()).isEqualTo(Main.EXIT_USAGE);
    assertThat(refused.err())
        .contains("clear text", "--insecure", "https://")
        .doesNotContain(ADMIN_TOKEN);
  }

  @Test
  void aLoopbackLookingHostNameIsNotLoopback() {
    for (String server :
        new String[] {
          "http://127.0.0.1.nip.io:8080",
          "http://127.attacker.example",
          "http://localhost.attacker.example",
          "http://0.0.0.0:8080",
          "http://[::]:8080",
          "http://192.168.1.10"
        }) {
      Cli.Result refused = cli.run("--server", server, "tokens");
      assertThat(refused.code()).as(server + ": " + refused).isEqualTo(Main.EXIT_USAGE);
      assertThat(refused.err()).as(server).contains("--insecure");
    }
  }

  @Test
  void loopbackAndHttpsServersAreAccepted() {
    for (String server :
        new String[] {
          "http://127.0.0.1:8080",
          "http://127.1.2.3:8080",
          "http://[::1]:8080",
          "http://[::ffff:127.0.0.1]:8080",
          "http://localhost:8080",
          "HTTP://LOCALHOST:8080",
          "https://10.1.2.3:8443",
          "https://api.example",
          "https://127.0.0.1.nip.io"
        }) {
      assertThat(AdminClient.parseServer(server, false).toString())
          .as(server)
          .isEqualToIgnoringCase(server);
    }
    assertThat(AdminClient.parseServer("http://10.1.2.3:8080/", true))
        .hasToString("http://10.1.2.3:8080");
    // https to a closed local port: accepted, then unreachable (exit 3), not a usage error.
    assertThat(cli.run("--server", "https://127.0.0.1:1", "tokens").code())
        .isEqualTo(Main.EXIT_UNAVAILABLE);
  }

  @Test
  void plainHttpOnLoopbackCarriesTheAdminToken() throws Exception {
    AtomicInteger authorised = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        AdminServlet.PREFIX + "/tokens",
        exchange -> {
          if (("Bearer " + ADMIN_TOKEN)
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            authorised.incrementAndGet();
          }
          byte[] body = "{\"tokens\":[]}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      Cli.Result listed = cli.run("--server", "http://127.0.0.1:" + port, "tokens");

      assertThat(listed.code()).as(listed.toString()).isEqualTo(Main.EXIT_OK);
      assertThat(listed.out()).contains("No tokens yet");
      assertThat(listed.err()).doesNotContain("clear text");
      assertThat(authorised).hasValue(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void insecureSendsAnywayAndSaysSo() {
    // Refused without --insecure; with it, the CLI warns that the token travels in clear text and
    // goes on (nothing listens there: exit 3, not a usage error).
    Cli.Result result =
        cli.run("--insecure", "--server", "http://10.255.255.1:1", "--admintoken", "x", "tokens");
    assertThat(result.err()).contains("warning", "clear text");
    assertThat(result.code()).isNotEqualTo(Main.EXIT_USAGE);
  }
}
