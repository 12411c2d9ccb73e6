package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The "test fetch" against a loopback JWKS server: keys and health, never key material. */
class JwksTestFetchTest {
  private static HttpServer jwks;
  private static ConsoleApp app;
  private static String modulus;
  private static java.net.ServerSocket hung;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] n = key.getModulus().toByteArray();
    modulus = b64.encodeToString(n[0] == 0 ? java.util.Arrays.copyOfRange(n, 1, n.length) : n);
    String set =
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\""
            + modulus
            + "\",\"e\":\"AQAB\"},{\"kty\":\"EC\",\"kid\":\"enc1\",\"use\":\"enc\",\"crv\":\"P-256\","
            + "\"x\":\"AA\",\"y\":\"AA\"}]}";
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serve("/jwks.json", 200, set);
    serve("/enc-only.json", 200, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"e\",\"use\":\"enc\"}]}");
    serve("/oops", 500, "boom: internal-stack-trace at db01.corp");
    serve("/forbidden", 403, "{\"error\":\"internal-detail-4711\"}");
    serve("/moved", 302, "see internal-location");
    serve("/html", 200, "<html>not json</html>");
    serve("/nokeys", 200, "{\"issuer\":\"x\"}");
    serve("/huge", 200, "{\"keys\":[\"" + "a".repeat(JwksProbe.MAX_BYTES) + "\"]}");
    jwks.start();
    hung = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // never answers
    app =
        new ConsoleApp(
            builder ->
                builder
                    .testFetchAllowed(ConsoleApp::canChangeSettings)
                    .fetchTimeout(java.time.Duration.ofSeconds(2))
                    .probeResolver(JwksTestFetchTest::resolve));
  }

  /**
   * The test's DNS: a few made-up names, everything else as the JDK resolves it (the build machine
   * has no DNS server to point names at link-local addresses).
   */
  private static InetAddress[] resolve(String host) throws java.net.UnknownHostException {
    return switch (host.toLowerCase(java.util.Locale.ROOT)) {
      case "metadata.test" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
      case "rebinding.test" ->
          new InetAddress[] {
            InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")
          };
      case "v6-link-local.test" -> new InetAddress[] {InetAddress.getByName("fe80::1")};
      case "mapped.test" -> new InetAddress[] {InetAddress.getByName("::ffff:169.254.1.1")};
      case "zero.test" -> new InetAddress[] {InetAddress.getByName("0.0.0.0")};
      // The check sees 127.0.0.2; the connection (resolved again by the JDK) reaches 127.0.0.1.
      case "localhost" -> new InetAddress[] {InetAddress.getByName("127.0.0.2")};
      default -> InetAddress.getAllByName(host);
    };
  }

  private static void serve(String path, int status, String body) {
    jwks.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    jwks.stop(0);
    hung.close();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + jwks.getAddress().getPort() + path;
  }

  @Test
  void reportsTheKeysFoundAndUpWithoutKeyMaterial() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    HttpResponse<String> response = fetch(signed, url("/jwks.json"), true);
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> report = StrictJson.parseObject(response.body());
    assertThat(report).containsEntry("health", "UP").containsEntry("httpStatus", "2xx");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) report.get("keys");
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0))
        .containsEntry("kid", "k1")
        .containsEntry("kty", "RSA")
        .containsEntry("alg", "RS256")
        .containsEntry("bits", 2048L)
        .containsEntry("usable", true);
    assertThat(keys.get(1)).containsEntry("crv", "P-256").containsEntry("usable", false);
    assertThat(response.body()).doesNotContain(modulus.substring(0, 40));
  }

  @Test
  void reportsDownWithTheProblem() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    Map<String, String> cases =
        Map.of(
            "/enc-only.json", "no signing key",
            "/oops", "HTTP 5xx",
            "/forbidden", "HTTP 4xx",
            "/moved", "HTTP 3xx (redirects are not followed",
            "/html", "not a JWKS document",
            "/nokeys", "no \"keys\" array",
            "/huge", "larger than");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = fetch(signed, url(c.getKey()), true);
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(200);
      Map<String, Object> report = StrictJson.parseObject(response.body());
      assertThat(report).as(c.getKey()).containsEntry("health", "DOWN");
      assertThat((String) report.get("problem")).as(c.getKey()).contains(c.getValue());
    }
    // a closed port: connection refused
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    {
      Map<String, Object> report =
          StrictJson.parseObject(fetch(signed, "http://127.0.0.1:" + closed + "/j", true).body());
      assertThat(report).containsEntry("health", "DOWN");
      assertThat((String) report.get("problem")).isEqualTo("connection refused");
    }
    Map<String, Object> timedOut =
        StrictJson.parseObject(
            fetch(signed, "http://127.0.0.1:" + hung.getLocalPort() + "/jwks.json", true).body());
    assertThat(timedOut).containsEntry("health", "DOWN").containsEntry("problem", "timeout");
  }

  /** Issue 11 item 7: an error answer is reported by its class only, never by its text. */
  @Test
  void errorAnswersLeakNoBodyText() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    for (String path : List.of("/oops", "/forbidden", "/moved", "/html")) {
      HttpResponse<String> response = fetch(signed, url(path), true);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body())
          .as(path)
          .doesNotContain("boom", "internal", "db01", "4711", "<html>", "not json");
      assertThat(StrictJson.parseObject(response.body()).get("httpStatus"))
          .as(path)
          .isIn("2xx", "3xx", "4xx", "5xx");
    }
  }

  /** Issue 11 item 7: the URL rule of issuers, plus no link-local or metadata address ever. */
  @Test
  void hostileUrlsAreRefusedWithAClearMessage() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    String onlyLoopback = "http:// is allowed only for loopback";
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("http://127.attacker.example/jwks.json", onlyLoopback);
    cases.put("http://127.0.0.1.nip.io/", onlyLoopback);
    cases.put("http://localhost.attacker.example/", onlyLoopback);
    cases.put("http://example.com/jwks.json", onlyLoopback);
    cases.put("http://10.0.0.5/jwks.json", onlyLoopback);
    cases.put("http://0177.0.0.1/", onlyLoopback); // octal: not a literal, a name
    cases.put("http://2130706433/", onlyLoopback); // integer form of 127.0.0.1
    cases.put("http://169.254.169.254/latest/meta-data/", "link-local or cloud metadata");
    cases.put("https://169.254.169.254/latest/meta-data/", "link-local or cloud metadata");
    cases.put("https://169.254.0.1/", "link-local");
    cases.put("https://[fe80::1]/", "may not point at a link-local address (fe80::/10)");
    cases.put("https://[fe80::1%25eth0]/", "zone");
    cases.put("https://[::ffff:169.254.169.254]/", "link-local or cloud metadata");
    cases.put("https://[64:ff9b::a9fe:a9fe]/", "link-local or cloud metadata"); // NAT64
    cases.put("https://[fd00:ec2::254]/", "may not point at a cloud metadata address");
    cases.put("https://0.0.0.0/", "unspecified");
    cases.put("https://0.1.2.3/", "unspecified");
    cases.put("https://[::]/", "unspecified");
    cases.put("https://2852039166/", "link-local or cloud metadata"); // 169.254.169.254
    cases.put("https://metadata.test/computeMetadata/v1/", "resolves to a link-local");
    cases.put("https://rebinding.test/", "resolves to a link-local");
    cases.put("https://v6-link-local.test/", "resolves to a link-local");
    cases.put("https://mapped.test/", "resolves to a link-local");
    cases.put("https://zero.test/", "resolves to an unspecified address");
    cases.put("file:///etc/passwd", "starts with https://");
    cases.put("gopher://127.0.0.1:6379/", "starts with https://");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = fetch(signed, c.getKey(), true);
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(response.body()).as(c.getKey()).contains(c.getValue());
    }
  }

  @Test
  void loopbackOverHttpStillWorks() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    int port = jwks.getAddress().getPort();
    for (String url :
        List.of(
            "http://127.0.0.1:" + port + "/jwks.json",
            "http://LOCALHOST:" + port + "/jwks.json?x=1")) {
      Map<String, Object> report = StrictJson.parseObject(fetch(signed, url, true).body());
      if (url.contains("LOCALHOST")) {
        // the test resolver says 127.0.0.2, where nothing listens: the fetch went to the checked
        // address, not to wherever a second lookup would have gone
        assertThat(report).as(url).containsEntry("problem", "connection refused");
      } else {
        assertThat(report).as(url).containsEntry("health", "UP");
      }
    }
  }

  /**
   * Over https the name is kept for TLS, so the JDK looks it up again when it connects: a
   * connection whose peer is not the address checked is refused before the handshake.
   */
  @Test
  void anHttpsConnectionToAnAddressOtherThanTheCheckedOneIsRefused() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    int port = jwks.getAddress().getPort();
    Map<String, Object> rebound =
        StrictJson.parseObject(
            fetch(signed, "https://localhost:" + port + "/jwks.json", true).body());
    assertThat(rebound)
        .containsEntry("health", "DOWN")
        .containsEntry("problem", "refused: the host's address changed after it was checked");
    Map<String, Object> plainServer =
        StrictJson.parseObject(
            fetch(signed, "https://127.0.0.1:" + port + "/jwks.json", true).body());
    // the checked address, reached: TLS is attempted (a plain HTTP server never completes it)
    assertThat(plainServer).containsEntry("health", "DOWN");
    assertThat(plainServer.get("problem")).isIn("TLS handshake failed", "timeout");
  }

  @Test
  void badUrlsAreExplained() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    Map<String, String> cases =
        Map.of(
            "ftp://example.com/jwks", "starts with https://",
            "https://user:pw@example.com/jwks", "no user name or password",
            "not a url at all", "not a URL",
            "https:///nohost", "needs a host");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = fetch(signed, c.getKey(), true);
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(response.body()).as(c.getKey()).contains(c.getValue());
    }
    assertThat(app.postJson("/_admin/jwks-test", signed, true, "{}").statusCode()).isEqualTo(400);
  }

  @Test
  void needsASessionTheCsrfTokenAndThePermission() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    assertThat(fetch(signed, url("/jwks.json"), false).statusCode()).isEqualTo(403);
    assertThat(fetch(null, url("/jwks.json"), false).statusCode()).isEqualTo(401);
    ConsoleApp.Signed tokensOnly = app.signedIn(app.adminToken("default", "tokens"));
    HttpResponse<String> refused = fetch(tokensOnly, url("/jwks.json"), true);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("permission");
  }

  private static HttpResponse<String> fetch(ConsoleApp.Signed signed, String url, boolean csrf)
      throws Exception {
    return app.postJson("/_admin/jwks-test", signed, csrf, StrictJson.write(Map.of("url", url)));
  }
}
