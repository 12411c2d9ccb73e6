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
    serve("/oops", 500, "boom");
    serve("/html", 200, "<html>not json</html>");
    serve("/nokeys", 200, "{\"issuer\":\"x\"}");
    serve("/huge", 200, "{\"keys\":[\"" + "a".repeat(JwksProbe.MAX_BYTES) + "\"]}");
    jwks.start();
    app = new ConsoleApp(builder -> builder.testFetchAllowed(ConsoleApp::canChangeSettings));
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
  static void stop() {
    app.close();
    jwks.stop(0);
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + jwks.getAddress().getPort() + path;
  }

  @Test
  void reportsTheKeysFoundAndUpWithoutKeyMaterial() throws Exception {
    ConsoleApp.Signed signed = app.signedIn(app.adminToken("default", "manage"));
    HttpResponse<String> response = fetch(signed, url("/jwks.json"), true);
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> report = MiniJson.parseObject(response.body());
    assertThat(report).containsEntry("health", "UP").containsEntry("httpStatus", 200.0);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> keys = (List<Map<String, Object>>) report.get("keys");
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0))
        .containsEntry("kid", "k1")
        .containsEntry("kty", "RSA")
        .containsEntry("alg", "RS256")
        .containsEntry("bits", 2048.0)
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
            "/oops", "HTTP 500",
            "/html", "not a JWKS",
            "/nokeys", "no \"keys\" array",
            "/huge", "larger than");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> response = fetch(signed, url(c.getKey()), true);
      assertThat(response.statusCode()).as(c.getKey()).isEqualTo(200);
      Map<String, Object> report = MiniJson.parseObject(response.body());
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
          MiniJson.parseObject(fetch(signed, "http://127.0.0.1:" + closed + "/j", true).body());
      assertThat(report).containsEntry("health", "DOWN");
      assertThat((String) report.get("problem")).startsWith("fetch failed");
    }
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
    return app.postJson("/_admin/jwks-test", signed, csrf, MiniJson.write(Map.of("url", url)));
  }
}
