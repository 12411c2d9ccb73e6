package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Refusal;
import io.gatehouse.testkit.EchoUpstream;
import io.gatehouse.testkit.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy in front of a real non-Java upstream (the python3 echo), deciding with a real managed
 * Gatehouse on H2: what the upstream receives, what the client gets back, and what never passes.
 */
class ProxyEchoTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static EchoUpstream echo;
  private static Store store;
  private static GatehouseProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        EchoUpstream.python3() != null, "python3 is absent: " + EchoUpstream.INSTALL_LINE);
    echo = EchoUpstream.start(dir);
    store = new Store(dir.resolve("store"));
    proxy =
        GatehouseProxy.builder(store.managed.gatehouse(), URI.create(echo.baseUrl()))
            .port(0)
            .threads(2)
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void anAllowedRequestReachesTheUpstreamWithTheIdentityHeaders() throws Exception {
    HttpResponse<String> response =
        send(request("/api/hello?x=1").header("x-apikey", store.readWrite).GET());
    assertThat(response.statusCode()).isEqualTo(200);
    String echoed = response.body();
    assertThat(echoed)
        .contains("\"target\": \"/api/hello?x=1\"")
        .contains("[\"X-Gatehouse-Subject\", \"")
        .contains("[\"X-Gatehouse-Access\", \"read_write\"]")
        .contains("[\"X-Gatehouse-Space\", \"" + "dev" + "\"]")
        .contains("[\"X-Gatehouse-Method\", \"")
        .contains("[\"X-Forwarded-For\", \"127.0.0.1\"]")
        .contains("[\"X-Forwarded-Proto\", \"http\"]")
        .contains("[\"X-Forwarded-Host\", \"127.0.0.1:" + proxy.port() + "\"]");
  }

  @Test
  void withoutACredentialTheRefusalIsTheEmbeddedLibrarys() throws Exception {
    HttpResponse<String> response = send(request("/api/hello").GET());
    Decision direct =
        store
            .managed
            .gatehouse()
            .decide(AuthRequest.builder().method("GET").path("/api/hello").build())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(401).isEqualTo(direct.status());
    assertThat(response.headers().allValues("www-authenticate"))
        .isNotEmpty()
        .isEqualTo(Refusal.wwwAuthenticate(direct));
    assertThat(response.headers().firstValue("content-type")).hasValue(Refusal.PROBLEM_JSON);
    assertThat(response.body()).isEqualTo(Refusal.problemJson(direct, true));
  }

  @Test
  void aReadTokenMayNotPost() throws Exception {
    HttpResponse<String> response =
        send(
            request("/api/items")
                .header("x-apikey", store.read)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("content-type")).hasValue(Refusal.PROBLEM_JSON);
    assertThat(response.body()).contains("\"status\":403").doesNotContain("\"method\"");

    HttpResponse<String> allowed =
        send(
            request("/api/items")
                .header("x-apikey", store.readWrite)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body())
        .contains("\"method\": \"POST\"", "\"body\": \"{\\\"name\\\":\\\"x\\\"}\"");
  }

  @Test
  void forgedIdentityHeadersNeverReachTheUpstream() throws Exception {
    HttpResponse<String> response =
        send(
            request("/api/hello")
                .header("x-apikey", store.read)
                .header("X-Gatehouse-Subject", "forged-admin")
                .header("x-GATEHOUSE-subject", "forged-admin-2")
                .header("X-Gatehouse-Subject", "forged-admin-3")
                .header("X-Gatehouse-Access", "read_write")
                .header("X-Gatehouse-Permissions", "manage")
                .header("X-GATEHOUSE-Anything", "forged")
                .GET());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .doesNotContain("forged")
        .contains("[\"X-Gatehouse-Access\", \"read\"]")
        .contains("[\"X-Gatehouse-Permissions\", \"\"]");
    // Without a credential the forged headers do not help either.
    HttpResponse<String> refused =
        send(request("/api/hello").header("X-Gatehouse-Subject", "forged-admin").GET());
    assertThat(refused.statusCode()).isEqualTo(401);
  }

  @Test
  void pathSideStepsAreRefusedAsInTheAdapters() throws Exception {
    for (String target :
        new String[] {
          "/api/..%2f_admin/api/tokens",
          "/api/%2e%2e/_admin",
          "/api/../_admin/",
          "/api/./hello",
          "/api%2Fhello",
          "/api%5chello",
          "/api/%zz"
        }) {
      try (RawHttp raw = new RawHttp(proxy.port())) {
        RawHttp.Response response = raw.get(target, store.readWrite);
        assertThat(response.status()).as(target).isEqualTo(400);
        assertThat(response.body()).as(target).contains("\"code\":\"malformed\"");
      }
    }
  }

  @Test
  void hopByHopHeadersAreDroppedAndForwardedForIsAppended() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send(
          "GET /api/hello HTTP/1.1\r\nHost: app.example\r\nx-apikey: "
              + store.readWrite
              + "\r\nConnection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\n"
              + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eDp5\r\n"
              + "X-Forwarded-For: 203.0.113.9\r\n\r\n");
      RawHttp.Response response = raw.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body())
          .doesNotContain("X-Secret-Hop", "Keep-Alive", "Proxy-Authorization", "\"TE\"")
          .contains("[\"X-Forwarded-For\", \"203.0.113.9, 127.0.0.1\"]")
          .contains("[\"X-Forwarded-Host\", \"app.example\"]")
          .contains("[\"Host\", \"app.example\"]");
      // The connection stays open for a second request.
      RawHttp.Response second = raw.get("/api/hello", store.readWrite);
      assertThat(second.status()).isEqualTo(200);
    }
  }

  @Test
  void aLargeUploadAndDownloadStreamThrough() throws Exception {
    int size = 6 * 1024 * 1024;
    byte[] upload = new byte[size];
    Arrays.fill(upload, (byte) 'u');
    HttpResponse<String> echoed =
        send(
            request("/upload")
                .header("x-apikey", store.readWrite)
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)));
    assertThat(echoed.statusCode()).isEqualTo(200);
    assertThat(echoed.body()).contains("\"bodyLength\": " + size);

    HttpResponse<InputStream> download =
        HTTP.send(
            request("/bytes/" + size).header("x-apikey", store.readWrite).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(download.statusCode()).isEqualTo(200);
    long total = 0;
    try (InputStream body = download.body()) {
      byte[] buffer = new byte[65536];
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        for (int i = 0; i < n; i++) {
          assertThat(buffer[i]).isEqualTo((byte) 'x');
        }
        total += n;
      }
    }
    assertThat(total).isEqualTo(size);
  }

  @Test
  void anAllowedWebSocketUpgradeIsTunneled() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(upgrade("x-apikey: " + store.readWrite + "\r\n"));
      out.flush();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: websocket");
      assertThat(head).containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      for (String message : new String[] {"hello", "GET / HTTP/1.1\r\n\r\n", "bytes\u0000\u00ff"}) {
        byte[] sent = message.getBytes(StandardCharsets.ISO_8859_1);
        out.write(sent);
        out.flush();
        assertThat(in.readNBytes(sent.length)).isEqualTo(sent);
      }
    }
  }

  @Test
  void aWebSocketUpgradeWithoutACredentialIsRefused() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send(new String(upgrade(""), StandardCharsets.ISO_8859_1));
      RawHttp.Response response = raw.read();
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.header("www-authenticate")).isNotEmpty();
      assertThat(response.header("content-type")).containsExactly(Refusal.PROBLEM_JSON);
    }
  }

  private static byte[] upgrade(String extraHeaders) {
    return ("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + extraHeaders
            + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  static String readHead(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c == -1) {
        throw new java.io.EOFException("closed after: " + head);
      }
      head.append((char) c);
    }
    return head.toString();
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
        .timeout(Duration.ofSeconds(20));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
