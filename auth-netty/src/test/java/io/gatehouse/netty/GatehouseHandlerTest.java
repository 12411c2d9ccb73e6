package io.gatehouse.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.Fixtures;
import io.gatehouse.testkit.RawHttp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The handler in a real Netty server on loopback, driven by the JDK client and raw sockets. */
class GatehouseHandlerTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Each case runs with a synchronous pipeline and a slow one (decision on another thread). */
  static Stream<Arguments> modes() {
    return Stream.of(
        Arguments.of("inline", Duration.ZERO), Arguments.of("async", Duration.ofMillis(150)));
  }

  private static NettyServer server(Duration delay) throws InterruptedException {
    return new NettyServer(GatehouseHandler.builder(Fixtures.gatehouse(delay)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void allowedRequestReachesTheAppWithItsIdentity(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items?page=2"))
                  .header("X-ApiKey", Fixtures.WRITER)
                  .POST(HttpRequest.BodyPublishers.ofString("hello"))
                  .build());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("subject=alice")
          .contains("client=127.0.0.1")
          .contains("allowed=true")
          .contains("path=/items?page=2")
          .contains("body=5");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void missingCredentialsGet401WithEveryChallenge(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay)) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri("/items")).build());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().allValues("WWW-Authenticate"))
          .containsExactly("ApiKey realm=\"test\", header=\"x-apikey\"", "Bearer realm=\"test\"");
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      assertThat(response.body())
          .contains("\"status\":401")
          .contains("\"code\":\"missing_credentials\"");
      assertThat(server.appCalls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void unknownBearerTokenGets401WithInvalidTokenError(String mode, Duration delay)
      throws Exception {
    try (NettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items"))
                  .header("Authorization", "Bearer not-a-real-token")
                  .build());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().allValues("WWW-Authenticate"))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("Bearer realm=\"test\"")
          .contains("error=\"invalid_token\"");
      assertThat(response.body())
          .contains("\"code\":\"unknown_credential\"")
          .contains("\"detail\":\"unknown token\"")
          .doesNotContain("not-a-real-token");
      assertThat(server.appCalls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void readTokenWritingGets403(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items"))
                  .header("x-apikey", Fixtures.READER)
                  .DELETE()
                  .build());

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).contains("\"code\":\"insufficient_access\"");
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
      assertThat(server.appCalls).hasValue(0);
    }
  }

  /** A GET that asks to be run as a write (many frameworks honour this) needs write access. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void readTokenWithAMethodOverrideToAWriteGets403(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay)) {
      for (String[] override :
          List.of(
              new String[] {"X-HTTP-Method-Override", "DELETE"},
              new String[] {"X-HTTP-Method", "GET, PUT"},
              new String[] {"X-Method-Override", "patch"})) {
        HttpResponse<String> response =
            send(
                HttpRequest.newBuilder(server.uri("/items/1"))
                    .header("x-apikey", Fixtures.READER)
                    .header(override[0], override[1])
                    .build());

        assertThat(response.statusCode()).as(override[0]).isEqualTo(403);
        assertThat(response.body())
            .contains("\"code\":\"insufficient_access\"")
            .contains("method override on GET");
      }
      // A second header line with the write counts as much as the first.
      HttpResponse<String> repeated =
          send(
              HttpRequest.newBuilder(server.uri("/items/1?_method=GET"))
                  .header("x-apikey", Fixtures.READER)
                  .header("X-HTTP-Method-Override", "GET")
                  .header("X-HTTP-Method-Override", "DELETE")
                  .build());
      assertThat(repeated.statusCode()).isEqualTo(403);
      HttpResponse<String> query =
          send(
              HttpRequest.newBuilder(server.uri("/items/1?_method=DELETE"))
                  .header("x-apikey", Fixtures.READER)
                  .build());
      assertThat(query.statusCode()).isEqualTo(403);
      assertThat(server.appCalls).hasValue(0);

      // Safe overrides stay reads; a writer may override.
      HttpResponse<String> safe =
          send(
              HttpRequest.newBuilder(server.uri("/items/1"))
                  .header("x-apikey", Fixtures.READER)
                  .header("X-HTTP-Method-Override", "HEAD")
                  .build());
      assertThat(safe.statusCode()).isEqualTo(200);
      HttpResponse<String> writer =
          send(
              HttpRequest.newBuilder(server.uri("/items/1"))
                  .header("x-apikey", Fixtures.WRITER)
                  .header("X-HTTP-Method-Override", "DELETE")
                  .build());
      assertThat(writer.statusCode()).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void unavailableStoreGets503WithRetryAfter(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items"))
                  .header("x-apikey", Fixtures.DOWN)
                  .build());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(response.body()).contains("\"code\":\"unavailable\"");
      assertThat(server.appCalls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void usageLimitsAreToldOnAllowedResponsesAndA429CarriesRetryAfter(String mode, Duration delay)
      throws Exception {
    try (NettyServer server =
        new NettyServer(GatehouseHandler.builder(Fixtures.limited(delay, 2)).build())) {
      HttpRequest request =
          HttpRequest.newBuilder(server.uri("/items")).header("x-apikey", Fixtures.WRITER).build();
      HttpResponse<String> first = send(request);
      HttpResponse<String> second = send(request);
      HttpResponse<String> third = send(request);

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"2-per-1m\";q=2;w=60");
      assertThat(first.headers().firstValue("RateLimit")).hasValue("\"2-per-1m\";r=1;t=42");
      assertThat(second.headers().firstValue("RateLimit")).hasValue("\"2-per-1m\";r=0;t=42");
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(third.headers().firstValue("Retry-After")).hasValue("42");
      assertThat(third.headers().firstValue("RateLimit")).hasValue("\"2-per-1m\";r=0;t=42");
      assertThat(third.headers().allValues("WWW-Authenticate")).isEmpty();
      assertThat(third.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(third.body())
          .contains("\"status\":429", "\"code\":\"rate_limited\"", "Too Many Requests")
          .doesNotContain(Fixtures.WRITER);
      assertThat(server.appCalls).hasValue(2);
    }
  }

  @Test
  void detailCanBeLeftOutOfRefusals() throws Exception {
    try (NettyServer server =
        new NettyServer(
            GatehouseHandler.builder(Fixtures.gatehouse(Duration.ZERO))
                .includeDetail(false)
                .build())) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", "nope-nope").build());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("\"code\":\"unknown_credential\"");
      assertThat(response.body()).doesNotContain("detail");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void refusedLargePostIsDiscardedAndTheConnectionClosed(String mode, Duration delay)
      throws Exception {
    try (NettyServer server = server(delay)) {
      byte[] body = new byte[5 * 1024 * 1024];
      HttpResponse<String> refused =
          send(
              HttpRequest.newBuilder(server.uri("/upload"))
                  .header("x-apikey", "wrong-token-value")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build());

      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("Connection")).hasValue("close");
      assertThat(server.appCalls).hasValue(0);
      // Memory stays bounded: the body was read and dropped part by part, never accumulated
      // (buffering it would hold all 5 MiB at once).
      assertThat(server.peakBufferGrowth.get())
          .as("buffer memory held while %s body bytes were read", server.bodyBytesRead)
          .isLessThan(2L * 1024 * 1024);

      // The server stays healthy: the next request (on a new connection) goes through.
      HttpResponse<String> allowed =
          send(
              HttpRequest.newBuilder(server.uri("/upload"))
                  .header("x-apikey", Fixtures.WRITER)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024]))
                  .build());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body()).contains("body=1024");
      assertThat(server.appCalls).hasValue(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void refusedSmallPostKeepsTheConnection(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay);
        RawHttp http = new RawHttp(server.port)) {
      String body = "x".repeat(10_000);
      http.send(
          "POST /a HTTP/1.1\r\nHost: localhost\r\nx-apikey: wrong-token-value\r\n"
              + "Content-Length: "
              + body.length()
              + "\r\n\r\n"
              + body);
      RawHttp.Response refused = http.read();
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).doesNotContain("close");

      http.send("GET /b HTTP/1.1\r\nHost: localhost\r\nx-apikey: " + Fixtures.WRITER + "\r\n\r\n");
      RawHttp.Response allowed = http.read();
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).contains("subject=alice").contains("path=/b");
      assertThat(server.connections).hasValue(1);
      assertThat(server.appCalls).hasValue(1);
      // The refused body was read off the socket (and dropped), so the framing stayed intact.
      assertThat(server.bodyBytesRead).hasValue(body.length());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void connectionIsKeptAliveAfterARefusal(String mode, Duration delay) throws Exception {
    try (NettyServer server = server(delay);
        RawHttp http = new RawHttp(server.port)) {
      http.send("GET /a HTTP/1.1\r\nHost: localhost\r\nx-apikey: wrong-token-value\r\n\r\n");
      RawHttp.Response refused = http.read();
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).doesNotContain("close");

      http.send("GET /b HTTP/1.1\r\nHost: localhost\r\nx-apikey: " + Fixtures.WRITER + "\r\n\r\n");
      RawHttp.Response allowed = http.read();
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).contains("subject=alice");
      assertThat(server.connections).hasValue(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void pipelinedRequestsEachGetTheirOwnDecisionInOrder(String mode, Duration delay)
      throws Exception {
    try (NettyServer server = server(delay);
        RawHttp http = new RawHttp(server.port)) {
      // Four requests in one write: allowed, refused (unknown), refused (READ writing), allowed.
      http.send(
          "GET /1 HTTP/1.1\r\nHost: h\r\nx-apikey: "
              + Fixtures.WRITER
              + "\r\n\r\n"
              + "GET /2 HTTP/1.1\r\nHost: h\r\nx-apikey: wrong-token-value\r\n\r\n"
              + "POST /3 HTTP/1.1\r\nHost: h\r\nx-apikey: "
              + Fixtures.READER
              + "\r\nContent-Length: 3\r\n\r\nabc"
              + "POST /4 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer "
              + Fixtures.WRITER
              + "\r\nContent-Length: 4\r\n\r\nwxyz"
              + "GET /5 HTTP/1.1\r\nHost: h\r\nx-apikey: "
              + Fixtures.READER
              + "\r\n\r\n");

      RawHttp.Response first = http.read();
      RawHttp.Response second = http.read();
      RawHttp.Response third = http.read();
      RawHttp.Response fourth = http.read();
      RawHttp.Response fifth = http.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).contains("path=/1").contains("subject=alice");
      assertThat(second.status()).isEqualTo(401);
      assertThat(third.status()).isEqualTo(403);
      assertThat(fourth.status()).isEqualTo(200);
      assertThat(fourth.body()).contains("path=/4").contains("subject=alice").contains("body=4");
      assertThat(fifth.status()).isEqualTo(200);
      assertThat(fifth.body()).contains("path=/5").contains("subject=bob");
      assertThat(server.appCalls).hasValue(3);
    }
  }

  @Test
  void unparsableRequestIsRefusedWith400AndClosed() throws Exception {
    try (NettyServer server = server(Duration.ZERO);
        RawHttp http = new RawHttp(server.port)) {
      http.send("GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: banana\r\n\r\n");
      RawHttp.Response response = http.read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains("\"code\":\"malformed\"");
      assertThat(http.closedByServer()).isTrue();
      assertThat(server.appCalls).hasValue(0);
    }
  }

  /**
   * A path rule cannot be side-stepped by spelling the path another way: an encoded or doubled form
   * is checked as the path it decodes to, and forms routers disagree on are refused (400).
   */
  @Test
  void pathRulesSeeTheDecodedPathAndAmbiguousPathsAreRefused() throws Exception {
    GatehouseHandler.Factory guarded =
        GatehouseHandler.builder(Fixtures.requiring("/ops/backup", "backup")).build();
    try (NettyServer server = new NettyServer(guarded);
        RawHttp http = new RawHttp(server.port)) {
      for (String spelling :
          List.of("/ops/backup", "/ops/%62ackup", "//ops//backup/now", "/ops/backup;v=1")) {
        RawHttp.Response refused = http.get(spelling, Fixtures.WRITER);
        assertThat(refused.status()).as(spelling).isEqualTo(403);
        assertThat(refused.body()).contains("permission 'backup'");
      }
      for (String spelling :
          List.of("/x/../ops/backup", "/ops%2Fbackup", "/ops/%2e%2e/backup", "/ops/b%3Bx")) {
        RawHttp.Response refused = http.get(spelling, Fixtures.WRITER);
        assertThat(refused.status()).as(spelling).isEqualTo(400);
        assertThat(refused.body()).contains("ambiguous request path");
        assertThat(refused.header("Connection")).doesNotContain("close");
      }
      assertThat(http.get("/ops/status", Fixtures.WRITER).status()).isEqualTo(200);
      assertThat(server.appCalls).hasValue(1);
    }
  }

  @Test
  void http10RefusalClosesTheConnection() throws Exception {
    try (NettyServer server = server(Duration.ZERO);
        RawHttp http = new RawHttp(server.port)) {
      http.send("GET /a HTTP/1.0\r\n\r\n");
      RawHttp.Response response = http.read();

      assertThat(response.status()).isEqualTo(401);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void brokenPipelineFailsClosed(String mode, Duration delay) throws Exception {
    io.gatehouse.core.Gatehouse broken =
        delay.isZero()
            ? request -> CompletableFuture.failedFuture(new IllegalStateException("broken"))
            : request ->
                CompletableFuture.supplyAsync(
                    () -> {
                      throw new IllegalStateException("broken");
                    },
                    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    try (NettyServer server = new NettyServer(GatehouseHandler.builder(broken).build())) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", Fixtures.WRITER).build());

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).contains("\"code\":\"internal\"");
      assertThat(server.appCalls).hasValue(0);
    }
  }

  @Test
  void builderRejectsBadOptionsNamingThem() {
    GatehouseHandler.Builder builder = GatehouseHandler.builder(Fixtures.gatehouse(Duration.ZERO));
    assertThatThrownBy(() -> builder.maxDrainBytes(-1)).hasMessageContaining("maxDrainBytes");
    assertThatThrownBy(() -> builder.discardTimeout(Duration.ZERO))
        .hasMessageContaining("discardTimeout");
  }
}
