package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.RawHttp;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request shapes a server behind the proxy could frame differently from the proxy are refused with
 * 400 and a closed connection before the upstream sees a byte; hostile input never hangs a client
 * or gets through.
 */
class SmugglingTest {
  @TempDir Path dir;
  private Store store;
  private ScriptedUpstream upstream;
  private GatehouseProxy proxy;

  @BeforeEach
  void start() throws Exception {
    store = new Store(dir);
    upstream = new ScriptedUpstream(ScriptedUpstream::keepAliveOk);
    proxy =
        GatehouseProxy.builder(store.managed.gatehouse(), upstream.uri())
            .port(0)
            .threads(1)
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    upstream.close();
    store.close();
  }

  @Test
  void ambiguousFramingIsRefusedBeforeTheUpstream() throws Exception {
    String auth = "x-apikey: " + store.readWrite + "\r\n";
    Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put(
        "Content-Length and Transfer-Encoding",
        "POST /api/items HTTP/1.1\r\nHost: x\r\n"
            + auth
            + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    shapes.put(
        "two Content-Lengths",
        "POST /api/items HTTP/1.1\r\nHost: x\r\n"
            + auth
            + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd");
    shapes.put(
        "a Content-Length list",
        "POST /api/items HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 4, 4\r\n\r\nabcd");
    shapes.put(
        "obs-fold",
        "GET /api/hello HTTP/1.1\r\nHost: x\r\n" + auth + "X-Note: a\r\n folded\r\n\r\n");
    shapes.put(
        "obs-fold with a tab into an identity header",
        "GET /api/hello HTTP/1.1\r\nHost: x\r\n"
            + auth
            + "X-Other: 1\r\n\tX-Gatehouse-Subject: root\r\n\r\n");
    shapes.put(
        "Transfer-Encoding not chunked last",
        "POST /api/items HTTP/1.1\r\nHost: x\r\n"
            + auth
            + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n");
    shapes.put("bare LF line endings", "GET /api/hello HTTP/1.1\nHost: x\n" + auth + "\n");
    shapes.put(
        "space before the colon",
        "GET /api/hello HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length : 0\r\n\r\n");
    for (Map.Entry<String, String> shape : shapes.entrySet()) {
      try (RawHttp raw = new RawHttp(proxy.port())) {
        raw.send(shape.getValue());
        RawHttp.Response response = raw.read();
        assertThat(response.status()).as(shape.getKey()).isEqualTo(400);
        assertThat(raw.closedByServer()).as(shape.getKey()).isTrue();
      }
    }
    assertThat(upstream.heads).as("what reached the upstream").isEmpty();
    // A well-formed request still passes.
    try (RawHttp raw = new RawHttp(proxy.port())) {
      assertThat(raw.get("/api/hello", store.readWrite).status()).isEqualTo(200);
    }
  }

  @Test
  void aConnectionHeaderCannotRemoveTheFramingOrTheHost() throws Exception {
    String smuggled = "GET /api/admin HTTP/1.1\r\nHost: x\r\nX-Gatehouse-Subject: root\r\n\r\n";
    for (String connection :
        new String[] {"content-length", "close, Host", "Content-Length, Host"}) {
      upstream.heads.clear();
      try (RawHttp raw = new RawHttp(proxy.port())) {
        raw.send(
            "POST /api/items HTTP/1.1\r\nHost: x\r\nx-apikey: "
                + store.readWrite
                + "\r\nConnection: "
                + connection
                + "\r\nContent-Length: "
                + smuggled.length()
                + "\r\n\r\n"
                + smuggled);
        assertThat(raw.read().status()).as(connection).isEqualTo(200);
      }
      // The next request goes over the same pooled upstream connection: a body read as a second
      // request would be between the two.
      try (RawHttp raw = new RawHttp(proxy.port())) {
        assertThat(raw.get("/api/hello", store.readWrite).status()).isEqualTo(200);
      }
      assertThat(upstream.heads).as(connection).hasSize(2);
      assertThat(upstream.heads.get(0))
          .as(connection)
          .startsWith("POST /api/items")
          .containsIgnoringCase("content-length: " + smuggled.length())
          .containsIgnoringCase("host: x");
      assertThat(upstream.heads.get(1)).as(connection).startsWith("GET /api/hello");
      assertThat(String.join("", upstream.heads)).doesNotContainIgnoringCase("subject: root");
    }
    assertThat(upstream.accepted.get()).isEqualTo(1);
  }

  @Test
  void requestTrailersCarryNoIdentityHopByHopOrFramingFields() throws Exception {
    proxy.close();
    upstream.close();
    upstream =
        new ScriptedUpstream(
            (self, socket, in, out) -> {
              self.readHead(in);
              self.readHead(in); // the chunked body up to the end of its trailers
              out.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                      .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              out.flush();
            });
    proxy =
        GatehouseProxy.builder(store.managed.gatehouse(), upstream.uri())
            .port(0)
            .threads(1)
            .build()
            .start();
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send(
          "POST /api/items HTTP/1.1\r\nHost: x\r\nx-apikey: "
              + store.readWrite
              + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
              + "X-Gatehouse-Subject: root\r\nx-gatehouse-access: ADMIN\r\nConnection: X-Drop\r\n"
              + "X-Drop: 1\r\nHost: evil\r\nAuthorization: Bearer forged\r\n"
              + "X-Forwarded-For: 10.0.0.1\r\nX-Checksum: abc\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
    }
    assertThat(upstream.heads).hasSize(2);
    String body = upstream.heads.get(1);
    assertThat(body).startsWith("3\r\nabc\r\n0\r\n").containsIgnoringCase("x-checksum: abc");
    assertThat(body.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain(
            "x-gatehouse", "connection", "x-drop", "host", "authorization", "x-forwarded-for");
  }

  @Test
  void aFoldSplitAcrossPacketsIsStillSeen() throws Exception {
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send("GET /api/hello HTTP/1.1\r\nHost: x\r\nx-apikey: " + store.readWrite + "\r\n");
      Thread.sleep(50); // a second packet: the decoder must have waited for the whole head
      raw.send(" folded\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(400);
    }
    assertThat(upstream.heads).isEmpty();
  }

  @Test
  void hostileInputNeverHangsOrPasses() throws Exception {
    Random random = new Random(16);
    String[] prefixes = {"GET ", "POST /api/items HTTP/1.1\r\n", "\r\n\r\n", "GET / HTTP/1.1\r\nA"};
    for (int round = 0; round < 40; round++) {
      StringBuilder junk = new StringBuilder(prefixes[round % prefixes.length]);
      int length = 1 + random.nextInt(300);
      for (int i = 0; i < length; i++) {
        junk.append((char) random.nextInt(256));
      }
      junk.append("\r\n\r\n");
      try (RawHttp raw = new RawHttp(proxy.port())) {
        raw.send(junk.toString());
        // Either a 4xx answer, or the connection closes; never a wait past the socket timeout.
        try {
          RawHttp.Response response = raw.read();
          assertThat(response.status()).as(junk.toString()).isBetween(400, 499);
        } catch (java.io.IOException closed) {
          assertThat(closed).isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
      }
    }
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isBetween(400, 499);
    }
    try (RawHttp raw = new RawHttp(proxy.port())) {
      raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n");
      assertThat(raw.read().status()).isBetween(400, 499);
    }
    assertThat(upstream.heads).isEmpty();
  }
}
