package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Refusal;
import io.gatehouse.testkit.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy against scripted Java upstreams (no Python needed): connection reuse, streaming in both
 * directions before a body ends, and the upstream failures the client sees as 502 and 504.
 */
class ProxyUpstreamTest {
  @TempDir Path dir;
  private Store store;
  private GatehouseProxy proxy;
  private ScriptedUpstream upstream;

  @BeforeEach
  void openStore() {
    store = new Store(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    store.close();
  }

  private GatehouseProxy start(URI target, Duration responseTimeout) {
    proxy =
        GatehouseProxy.builder(store.managed.gatehouse(), target)
            .port(0)
            .threads(1)
            .responseTimeout(responseTimeout)
            .connectTimeout(Duration.ofSeconds(2))
            .build()
            .start();
    return proxy;
  }

  @Test
  void keepAliveReusesOneUpstreamConnection() throws Exception {
    upstream = new ScriptedUpstream(ScriptedUpstream::keepAliveOk);
    start(upstream.uri(), Duration.ofSeconds(10));
    for (int connection = 0; connection < 3; connection++) {
      try (RawHttp raw = new RawHttp(proxy.port())) {
        for (int i = 0; i < 10; i++) {
          RawHttp.Response response = raw.get("/api/hello/" + i, store.readWrite);
          assertThat(response.status()).isEqualTo(200);
          assertThat(response.body()).isEqualTo("ok");
        }
      }
    }
    assertThat(upstream.heads).hasSize(30);
    assertThat(upstream.accepted.get()).as("upstream connections for 30 requests").isEqualTo(1);
  }

  @Test
  void anUnreachableUpstreamIs502WithoutItsAddress() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    start(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(10));
    try (RawHttp raw = new RawHttp(proxy.port())) {
      RawHttp.Response response = raw.get("/api/hello", store.readWrite);
      assertThat(response.status()).isEqualTo(502);
      assertThat(response.header("content-type")).containsExactly(Refusal.PROBLEM_JSON);
      assertThat(response.body())
          .contains("\"status\":502", "upstream")
          .doesNotContain("127.0.0.1", Integer.toString(closedPort));
      // The connection is kept: the proxy answered a complete request.
      for (int i = 0; i < 20; i++) {
        assertThat(raw.get("/api/hello", store.readWrite).status()).isEqualTo(502);
      }
    }
  }

  @Test
  void aSilentUpstreamIs504() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              self.readHead(in);
              release.await(20, TimeUnit.SECONDS); // never answers while the test runs
            });
    start(upstream.uri(), Duration.ofMillis(300));
    try (RawHttp raw = new RawHttp(proxy.port())) {
      RawHttp.Response response = raw.get("/api/hello", store.readWrite);
      assertThat(response.status()).isEqualTo(504);
      assertThat(response.body())
          .contains("\"status\":504")
          .doesNotContain(Integer.toString(upstream.port()));
    } finally {
      release.countDown();
    }
  }

  @Test
  void anUpstreamThatClosesMidResponseClosesTheClient() throws Exception {
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              self.readHead(in);
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
            });
    start(upstream.uri(), Duration.ofSeconds(10));
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(10_000);
      client
          .getOutputStream()
          .write(
              ("GET /api/hello HTTP/1.1\r\nHost: x\r\nx-apikey: " + store.readWrite + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      assertThat(ProxyEchoTest.readHead(in)).startsWith("HTTP/1.1 200");
      byte[] rest =
          in.readAllBytes(); // ends: the proxy closes rather than leave the client waiting
      assertThat(new String(rest, StandardCharsets.US_ASCII)).isEqualTo("0123456789");
    }
  }

  @Test
  void anUploadReachesTheUpstreamBeforeItsEnd() throws Exception {
    int size = 4 * 1024 * 1024;
    CountDownLatch firstPartArrived = new CountDownLatch(1);
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              String head = self.readHead(in);
              long length = ScriptedUpstream.contentLength(head);
              in.readNBytes(64 * 1024);
              firstPartArrived.countDown();
              long rest = in.readNBytes((int) length - 64 * 1024).length;
              byte[] body = ("received " + (64 * 1024 + rest)).getBytes(StandardCharsets.US_ASCII);
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              out.write(body);
              out.flush();
            });
    start(upstream.uri(), Duration.ofSeconds(10));
    byte[] part = new byte[64 * 1024];
    Arrays.fill(part, (byte) 'u');
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send(
          "POST /api/items HTTP/1.1\r\nHost: x\r\nx-apikey: "
              + store.readWrite
              + "\r\nContent-Length: "
              + size
              + "\r\n\r\n"
              + new String(part, StandardCharsets.ISO_8859_1));
      // Only a proxy that streams can pass the first part on while the rest is unsent.
      assertThat(firstPartArrived.await(10, TimeUnit.SECONDS)).isTrue();
      for (int sent = part.length; sent < size; sent += part.length) {
        raw.send(new String(part, StandardCharsets.ISO_8859_1));
      }
      RawHttp.Response response = raw.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("received " + size);
    }
  }

  @Test
  void aDownloadReachesTheClientBeforeItsEnd() throws Exception {
    CountDownLatch clientHasFirstPart = new CountDownLatch(1);
    int part = 64 * 1024;
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              self.readHead(in);
              byte[] bytes = new byte[part];
              Arrays.fill(bytes, (byte) 'd');
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + (2 * part) + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              out.write(bytes);
              out.flush();
              clientHasFirstPart.await(10, TimeUnit.SECONDS);
              out.write(bytes);
              out.flush();
            });
    start(upstream.uri(), Duration.ofSeconds(30));
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write(
          ("GET /download HTTP/1.1\r\nHost: x\r\nx-apikey: " + store.readWrite + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = client.getInputStream();
      assertThat(ProxyEchoTest.readHead(in)).startsWith("HTTP/1.1 200");
      // The first half arrives while the upstream still holds the second.
      assertThat(in.readNBytes(part)).hasSize(part);
      clientHasFirstPart.countDown();
      assertThat(in.readNBytes(part)).hasSize(part);
    }
  }

  @Test
  void continueIsRelayedAndAnHttp10ClientReadsToTheClose() throws Exception {
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              String head = self.readHead(in);
              if (head.toLowerCase(java.util.Locale.ROOT).contains("expect: 100-continue")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
              }
              in.readNBytes((int) ScriptedUpstream.contentLength(head));
              // No Content-Length: the proxy frames it (chunked, or to the close for HTTP/1.0).
              out.write(
                  "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
            });
    start(upstream.uri(), Duration.ofSeconds(10));
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      out.write(
          ("POST /api/items HTTP/1.1\r\nHost: x\r\nx-apikey: "
                  + store.readWrite
                  + "\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(ProxyEchoTest.readHead(in)).startsWith("HTTP/1.1 100");
      out.write("abc".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = ProxyEchoTest.readHead(in);
      assertThat(head)
          .startsWith("HTTP/1.1 200")
          .containsIgnoringCase("transfer-encoding: chunked");
      assertThat(new String(in.readNBytes(15), StandardCharsets.US_ASCII))
          .isEqualTo("5\r\nhello\r\n0\r\n\r\n");
    }
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      client.setSoTimeout(10_000);
      client
          .getOutputStream()
          .write(
              ("GET /api/hello HTTP/1.0\r\nx-apikey: " + store.readWrite + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      String head = ProxyEchoTest.readHead(in);
      assertThat(head).containsIgnoringCase("connection: close");
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }
  }

  @Test
  void anIdleClientConnectionIsClosed() throws Exception {
    upstream = new ScriptedUpstream(ScriptedUpstream::keepAliveOk);
    proxy =
        GatehouseProxy.builder(store.managed.gatehouse(), upstream.uri())
            .port(0)
            .threads(1)
            .idleTimeout(Duration.ofMillis(200))
            .build()
            .start();
    try (RawHttp raw = new RawHttp(proxy.port())) {
      assertThat(raw.get("/api/hello", store.readWrite).status()).isEqualTo(200);
      assertThat(raw.closedByServer()).isTrue();
    }
  }

  @Test
  void closedWebSocketsGiveTheirUpstreamSlotBack() throws Exception {
    upstream = new ScriptedUpstream(ScriptedUpstream::webSocketEcho);
    proxy =
        GatehouseProxy.builder(store.managed.gatehouse(), upstream.uri())
            .port(0)
            .threads(1)
            .maxConnections(2)
            .connectTimeout(Duration.ofSeconds(2))
            .build()
            .start();
    for (int i = 0; i < 5; i++) {
      boolean clientCloses = i % 2 == 0;
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(webSocketUpgrade(store.readWrite));
        out.flush();
        assertThat(ProxyEchoTest.readHead(in)).as("websocket " + i).startsWith("HTTP/1.1 101");
        out.write("ping".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readNBytes(4)).isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));
        if (!clientCloses) {
          socket.shutdownOutput(); // the upstream's echo ends: it closes its side first
          assertThat(in.read()).isEqualTo(-1);
        }
      }
    }
    try (RawHttp raw = new RawHttp(proxy.port())) {
      assertThat(raw.get("/api/hello", store.readWrite).status()).isEqualTo(200);
    }
  }

  @Test
  void a101ThatIsNotTheAskedForWebSocketNeverStartsATunnel() throws Exception {
    java.util.Map<String, String> answers = new java.util.LinkedHashMap<>();
    answers.put(
        "h2c", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
    answers.put(
        "websocket without Accept",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    answers.put(
        "websocket with a wrong Accept",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: "
            + ScriptedUpstream.accept("AAAAAAAAAAAAAAAAAAAAAA==")
            + "\r\n\r\n");
    for (java.util.Map.Entry<String, String> answer : answers.entrySet()) {
      boolean h2c = answer.getKey().equals("h2c");
      ScriptedUpstream scripted =
          new ScriptedUpstream(
              (self, socket, in, out) -> {
                self.readHead(in);
                out.write(answer.getValue().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (self.readHead(in) != null) { // whatever comes after, as a tunnel would
                  out.write(
                      "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nundecided"
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                }
              });
      try (scripted) {
        try (GatehouseProxy started = start(scripted.uri(), Duration.ofSeconds(10))) {
          String upgrade =
              h2c
                  ? "GET /api/hello HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n"
                      + "Connection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"
                      + "x-apikey: "
                      + store.readWrite
                      + "\r\n\r\n"
                  : new String(webSocketUpgrade(store.readWrite), StandardCharsets.ISO_8859_1);
          try (RawHttp raw = new RawHttp(started.port())) {
            // The upgrade request and, pipelined behind it, one without any credential.
            raw.send(
                upgrade
                    + "GET /api/admin HTTP/1.1\r\nHost: x\r\nX-Gatehouse-Subject: root\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertThat(response.status()).as(answer.getKey()).isEqualTo(502);
            assertThat(raw.closedByServer()).as(answer.getKey()).isTrue();
          }
        }
        assertThat(scripted.heads).as(answer.getKey()).hasSize(1);
        if (h2c) {
          assertThat(scripted.heads.get(0)).doesNotContainIgnoringCase("upgrade");
        }
      }
    }
  }

  @Test
  void aSlowClientIsNotMistakenForASilentUpstream() throws Exception {
    int size = 16 * 1024 * 1024;
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              self.readHead(in);
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              byte[] part = new byte[64 * 1024];
              Arrays.fill(part, (byte) 's');
              for (int sent = 0; sent < size; sent += part.length) {
                out.write(part);
              }
              out.flush();
            });
    start(upstream.uri(), Duration.ofMillis(300));
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(16 * 1024);
      client.connect(
          new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()));
      client.setSoTimeout(10_000);
      client
          .getOutputStream()
          .write(
              ("GET /download HTTP/1.1\r\nHost: x\r\nx-apikey: " + store.readWrite + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      assertThat(ProxyEchoTest.readHead(in)).startsWith("HTTP/1.1 200");
      // The client stalls far longer than the response timeout while the proxy holds back.
      Thread.sleep(1_500);
      assertThat(in.readNBytes(size)).hasSize(size);
    }
  }

  static byte[] webSocketUpgrade(String token) {
    return ("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "x-apikey: "
            + token
            + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
