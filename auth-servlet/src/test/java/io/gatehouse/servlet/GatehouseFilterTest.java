package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.testkit.Fixtures;
import io.gatehouse.testkit.RawHttp;
import io.gatehouse.testkit.TokenAuthenticator;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The filter on a real Jetty 12 server, driven by the JDK client over loopback. */
class GatehouseFilterTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Each case runs with a synchronous pipeline (inline) and a slow one (startAsync). */
  static Stream<Arguments> modes() {
    return Stream.of(
        Arguments.of("inline", Duration.ZERO), Arguments.of("async", Duration.ofMillis(150)));
  }

  private static JettyServer server(Duration delay) throws Exception {
    return new JettyServer(GatehouseFilter.builder(Fixtures.gatehouse(delay)).build(), true);
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void allowedRequestReachesTheAppWithItsIdentity(String mode, Duration delay) throws Exception {
    try (JettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items?page=2"))
                  .header("X-ApiKey", Fixtures.WRITER)
                  .POST(HttpRequest.BodyPublishers.ofString("hello"))
                  .build());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("subject=alice")
          .contains("principal=alice")
          .contains("remoteUser=alice")
          .contains("authType=header-token")
          .contains("role.perm:deploy=true")
          .contains("role.access:READ_WRITE=true")
          .contains("role.deploy=false")
          .contains("role.READ_WRITE=false")
          .contains("role.access:ADMIN=false")
          .contains("role.scope:deploy=false")
          .contains("client=127.0.0.1")
          .contains("allowed=true")
          .contains("body=5")
          .contains(delay.isZero() ? "dispatch=REQUEST" : "dispatch=ASYNC");
    }
  }

  /**
   * A JWT's scopes are roles of their own namespace: a token whose {@code scope} says {@code ADMIN}
   * or {@code deploy} is no admin and holds no permission in {@code isUserInRole}.
   */
  @Test
  void jwtScopesNeverPassForAccessLevelsOrPermissions() throws Exception {
    Identity jwt =
        Identity.builder("mallory", IdentityPrincipal.JWT_METHOD, SpaceResolver.DEFAULT_SPACE)
            .access(Access.READ_WRITE)
            .permissions(Set.of("ADMIN", "deploy", "access:ADMIN", "perm:deploy"))
            .build();
    Identity admin =
        Identity.builder("ci", "admintoken", SpaceResolver.DEFAULT_SPACE)
            .access(Access.ADMIN)
            .permissions(Set.of("deploy"))
            .build();
    Gatehouse gatehouse =
        Gatehouse.builder()
            .authenticator(
                TokenAuthenticator.header(
                    "x-apikey",
                    Map.of(
                        "jwt-with-admin-scope", AuthOutcome.success(jwt),
                        "admin-token", AuthOutcome.success(admin)),
                    Duration.ZERO))
            .build();
    try (JettyServer server = new JettyServer(GatehouseFilter.builder(gatehouse).build(), true)) {
      HttpResponse<String> scoped =
          send(
              HttpRequest.newBuilder(server.uri("/"))
                  .header("x-apikey", "jwt-with-admin-scope")
                  .build());
      assertThat(scoped.statusCode()).isEqualTo(200);
      assertThat(scoped.body())
          .contains("role.ADMIN=false")
          .contains("role.admin=false")
          .contains("role.deploy=false")
          .contains("role.access:ADMIN=false")
          .contains("role.perm:deploy=false")
          .contains("role.perm:ADMIN=false")
          .contains("role.access:READ_WRITE=true")
          .contains("role.scope:ADMIN=true")
          .contains("role.scope:deploy=true");

      HttpResponse<String> byAdmin =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", "admin-token").build());
      assertThat(byAdmin.body())
          .contains("role.access:ADMIN=true")
          .contains("role.access:READ_WRITE=false")
          .contains("role.perm:deploy=true")
          .contains("role.scope:deploy=false")
          .contains("role.ADMIN=false");
    }
    assertThat(new IdentityPrincipal(jwt).roles())
        .containsExactlyInAnyOrder(
            "access:READ_WRITE",
            "scope:ADMIN",
            "scope:deploy",
            "scope:access:ADMIN",
            "scope:perm:deploy");
    assertThat(new IdentityPrincipal(admin).roles())
        .containsExactlyInAnyOrder("access:ADMIN", "perm:deploy");
    assertThat(new IdentityPrincipal(admin).hasRole(null)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void missingCredentialsGet401WithEveryChallenge(String mode, Duration delay) throws Exception {
    try (JettyServer server = server(delay)) {
      HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri("/items")).build());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().allValues("WWW-Authenticate"))
          .containsExactly("ApiKey realm=\"test\", header=\"x-apikey\"", "Bearer realm=\"test\"");
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
      assertThat(response.body())
          .contains("\"status\":401")
          .contains("\"code\":\"missing_credentials\"");
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void unknownBearerTokenGets401WithInvalidTokenError(String mode, Duration delay)
      throws Exception {
    try (JettyServer server = server(delay)) {
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
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void readTokenWritingGets403(String mode, Duration delay) throws Exception {
    try (JettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items"))
                  .header("x-apikey", Fixtures.READER)
                  .DELETE()
                  .build());

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).contains("\"code\":\"insufficient_access\"");
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
      assertThat(server.app.calls).hasValue(0);
    }
  }

  /** A GET that asks to be run as a write (many frameworks honour this) needs write access. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void readTokenWithAMethodOverrideToAWriteGets403(String mode, Duration delay) throws Exception {
    try (JettyServer server = server(delay)) {
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
      assertThat(server.app.calls).hasValue(0);

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
    try (JettyServer server = server(delay)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/items"))
                  .header("x-apikey", Fixtures.DOWN)
                  .build());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(response.body()).contains("\"code\":\"unavailable\"");
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void usageLimitsAreToldOnAllowedResponsesAndA429CarriesRetryAfter(String mode, Duration delay)
      throws Exception {
    try (JettyServer server =
        new JettyServer(GatehouseFilter.builder(Fixtures.limited(delay, 2)).build(), true)) {
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
      assertThat(server.app.calls).hasValue(2);
    }
  }

  @Test
  void detailCanBeLeftOutOfRefusals() throws Exception {
    GatehouseFilter filter =
        GatehouseFilter.builder(Fixtures.gatehouse(Duration.ZERO)).includeDetail(false).build();
    try (JettyServer server = new JettyServer(filter, true)) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", "nope-nope").build());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("\"code\":\"unknown_credential\"");
      assertThat(response.body()).doesNotContain("detail");
    }
  }

  @Test
  void headerSentTwiceIsMalformedNotTheFirstValue() throws Exception {
    try (JettyServer server = server(Duration.ZERO)) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(server.uri("/"))
                  .header("x-apikey", Fixtures.WRITER)
                  .header("X-APIKEY", "second-value")
                  .build());

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("\"code\":\"malformed\"");
    }
  }

  @Test
  void refusedLargePostIsAnsweredWithoutTheBodyBeingRead() throws Exception {
    try (JettyServer server = server(Duration.ZERO)) {
      // A client announcing 5 MiB that has sent only the first 64 KiB gets its answer: the
      // refusal does not wait for the body. (Sending all of it and then reading would race the
      // server's close against the client's writes: a reset can drop the answer in flight.)
      try (io.gatehouse.testkit.RawHttp raw =
          new io.gatehouse.testkit.RawHttp(server.uri("/").getPort())) {
        raw.send(
            "POST /upload HTTP/1.1\r\nHost: localhost\r\nx-apikey: wrong-token-value\r\n"
                + "Content-Length: "
                + 5 * 1024 * 1024
                + "\r\n\r\n"
                + "x".repeat(64 * 1024));
        io.gatehouse.testkit.RawHttp.Response refused = raw.read();
        assertThat(refused.status()).isEqualTo(401);
      }
      assertThat(server.app.calls).hasValue(0);

      // The server is still healthy and a later request from the same client goes through.
      HttpResponse<String> allowed =
          send(
              HttpRequest.newBuilder(server.uri("/upload"))
                  .header("x-apikey", Fixtures.WRITER)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024]))
                  .build());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body()).contains("body=1024");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void connectionIsKeptAliveAfterARefusal(String mode, Duration delay) throws Exception {
    try (JettyServer server = server(delay);
        RawHttp http = new RawHttp(server.port)) {
      http.send("GET /a HTTP/1.1\r\nHost: localhost\r\nx-apikey: wrong-token-value\r\n\r\n");
      RawHttp.Response refused = http.read();
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).doesNotContain("close");

      http.send("GET /b HTTP/1.1\r\nHost: localhost\r\nx-apikey: " + Fixtures.WRITER + "\r\n\r\n");
      RawHttp.Response allowed = http.read();
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.body()).contains("subject=alice");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void refusedSmallBodyAlreadyReceivedIsDiscardedAndTheConnectionKept(String mode, Duration delay)
      throws Exception {
    try (JettyServer server = server(delay);
        RawHttp http = new RawHttp(server.port)) {
      http.send(refusedPost("Content-Length: 2", "{}"));
      RawHttp.Response refused = http.read();
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).doesNotContain("close");

      http.send("GET /b HTTP/1.1\r\nHost: localhost\r\nx-apikey: " + Fixtures.WRITER + "\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
    }
  }

  /**
   * A body still on its way is not waited for, so the connection cannot be reused; the refusal says
   * so, or a pooling client would send its next request into a socket the server is closing (the
   * JDK client then fails with "header parser received no bytes").
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void refusedBodyNotYetReceivedIsAnsweredWithConnectionClose(String mode, Duration delay)
      throws Exception {
    try (JettyServer server = server(delay);
        RawHttp http = new RawHttp(server.port)) {
      http.send(refusedPost("Content-Length: 2", ""));
      RawHttp.Response refused = http.read();

      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).containsExactly("close");
      assertThat(http.closedByServer()).isTrue();
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @Test
  void refusedChunkedBodyIsAnsweredWithConnectionClose() throws Exception {
    try (JettyServer server = server(Duration.ZERO);
        RawHttp http = new RawHttp(server.port)) {
      // Even a chunked body that has fully arrived: its end shows only on a read that could block.
      http.send(refusedPost("Transfer-Encoding: chunked", "2\r\n{}\r\n0\r\n\r\n"));
      RawHttp.Response refused = http.read();

      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).containsExactly("close");
    }
  }

  @Test
  void refusedBodyLargerThanTheDiscardBudgetIsAnsweredWithConnectionClose() throws Exception {
    try (JettyServer server = server(Duration.ZERO);
        RawHttp http = new RawHttp(server.port)) {
      int size = (int) UnreadBody.MAX_DISCARDED + 1;
      http.send(refusedPost("Content-Length: " + size, "x".repeat(size)));
      RawHttp.Response refused = http.read();

      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Connection")).containsExactly("close");
    }
  }

  private static String refusedPost(String framing, String body) {
    return String.join(
            "\r\n",
            "POST /a HTTP/1.1",
            "Host: localhost",
            "x-apikey: wrong-token-value",
            "Content-Type: application/json",
            framing,
            "")
        + "\r\n"
        + body;
  }

  /**
   * Path rules see the container's decoded, normalised path, whatever the spelling sent (Jetty
   * refuses the ambiguous spellings itself; the Netty adapter does the same in RequestPath).
   */
  @Test
  void pathRulesCannotBeSideSteppedBySpellingThePathAnotherWay() throws Exception {
    GatehouseFilter filter =
        GatehouseFilter.builder(Fixtures.requiring("/ops/backup", "backup")).build();
    try (JettyServer server = new JettyServer(filter, true);
        RawHttp http = new RawHttp(server.port)) {
      for (String spelling :
          List.of(
              "/ops/backup",
              "/ops/%62ackup",
              "/x/../ops/backup",
              "/ops/./backup",
              "/ops//backup",
              "/ops/backup;x=1",
              "/ops%2Fbackup",
              "/ops/%2e%2e/ops/backup",
              "/ops/..;/ops/backup")) {
        RawHttp.Response response = http.get(spelling, Fixtures.WRITER);
        // Jetty either hands over the normalised path (403 here) or refuses the spelling (400).
        assertThat(response.status()).as(spelling).isIn(400, 403);
        if (response.status() == 403) {
          assertThat(response.body()).contains("permission 'backup' is required for /ops/backup");
        }
      }
      assertThat(server.app.calls).hasValue(0);
    }
  }

  /**
   * An admin API behind the app's filter, reached by a forward: its own filter decides with its own
   * pipeline, not with the app filter's "already decided" marker.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aSecondFilterDecidesForItselfOnAForward(String mode, Duration delay) throws Exception {
    GatehouseFilter app = GatehouseFilter.builder(Fixtures.gatehouse(delay)).build();
    // alice (WRITER) holds deploy, not backup.
    GatehouseFilter refusing =
        GatehouseFilter.builder(Fixtures.requiring("/admin", "backup")).build();
    try (JettyServer server = new JettyServer(app, refusing)) {
      HttpResponse<String> forwarded =
          send(
              HttpRequest.newBuilder(server.uri("/app/tokens"))
                  .header("x-apikey", Fixtures.WRITER)
                  .build());

      assertThat(forwarded.statusCode()).isEqualTo(403);
      assertThat(forwarded.body())
          .contains("\"code\":\"insufficient_access\"")
          .contains("permission 'backup' is required for /admin");
      assertThat(server.app.calls).hasValue(0);

      // The app filter still decides the app's own paths, and refuses what it refuses.
      assertThat(send(HttpRequest.newBuilder(server.uri("/app/tokens")).build()).statusCode())
          .isEqualTo(401);
    }

    GatehouseFilter allowing =
        GatehouseFilter.builder(Fixtures.requiring("/admin", "deploy")).build();
    try (JettyServer server =
        new JettyServer(GatehouseFilter.builder(Fixtures.gatehouse(delay)).build(), allowing)) {
      HttpResponse<String> forwarded =
          send(
              HttpRequest.newBuilder(server.uri("/app/deploy"))
                  .header("x-apikey", Fixtures.WRITER)
                  .build());

      assertThat(forwarded.statusCode()).isEqualTo(200);
      assertThat(forwarded.body())
          .contains("subject=alice")
          .contains("allowed=true")
          .contains("dispatch=FORWARD");
      // Reached directly, the admin filter decides once more after the app filter.
      HttpResponse<String> direct =
          send(
              HttpRequest.newBuilder(server.uri("/admin/deploy"))
                  .header("x-apikey", Fixtures.READER)
                  .build());
      assertThat(direct.statusCode()).isEqualTo(403);
      assertThat(direct.body()).contains("permission 'deploy' is required for /admin");
    }
  }

  @Test
  void chainWithoutAsyncSupportWaitsForASlowDecision() throws Exception {
    GatehouseFilter filter =
        GatehouseFilter.builder(Fixtures.gatehouse(Duration.ofMillis(100))).build();
    try (JettyServer server = new JettyServer(filter, false)) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", Fixtures.WRITER).build());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("subject=alice").contains("dispatch=REQUEST");
    }
  }

  @Test
  void chainWithoutAsyncSupportNeverWaitsPastTheBound() throws Exception {
    GatehouseFilter filter =
        GatehouseFilter.builder(Fixtures.gatehouse(Duration.ofSeconds(3)))
            .blockingTimeout(Duration.ofMillis(100))
            .build();
    try (JettyServer server = new JettyServer(filter, false)) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", Fixtures.WRITER).build());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(response.body()).contains("took longer than");
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @Test
  void asyncDecisionPastTheTimeoutIsRefusedWith503() throws Exception {
    GatehouseFilter filter =
        GatehouseFilter.builder(Fixtures.gatehouse(Duration.ofSeconds(3)))
            .asyncTimeout(Duration.ofMillis(100))
            .build();
    try (JettyServer server = new JettyServer(filter, true)) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", Fixtures.WRITER).build());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("\"code\":\"unavailable\"");
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void brokenPipelineFailsClosed(String mode, Duration delay) throws Exception {
    io.gatehouse.core.Gatehouse broken =
        request ->
            CompletableFuture.supplyAsync(
                () -> {
                  throw new IllegalStateException("broken");
                },
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    io.gatehouse.core.Gatehouse brokenNow =
        request -> CompletableFuture.failedFuture(new IllegalStateException("broken"));
    GatehouseFilter filter = GatehouseFilter.builder(delay.isZero() ? brokenNow : broken).build();
    try (JettyServer server = new JettyServer(filter, true)) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", Fixtures.WRITER).build());

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).contains("\"code\":\"internal\"");
      assertThat(server.app.calls).hasValue(0);
    }
  }

  @Test
  void builderRejectsBadOptionsNamingThem() {
    GatehouseFilter.Builder builder = GatehouseFilter.builder(Fixtures.gatehouse(Duration.ZERO));
    assertThatThrownBy(() -> builder.asyncTimeout(Duration.ZERO))
        .hasMessageContaining("asyncTimeout");
    assertThatThrownBy(() -> builder.blockingTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("blockingTimeout");
    assertThatThrownBy(() -> builder.identityAttribute(" "))
        .hasMessageContaining("identityAttribute");
    assertThatThrownBy(() -> builder.decisionAttribute(GatehouseFilter.IDENTITY).build())
        .hasMessageContaining("must differ");
  }

  @Test
  void attributeNamesAreConfigurable() throws Exception {
    GatehouseFilter filter =
        GatehouseFilter.builder(Fixtures.gatehouse(Duration.ZERO))
            .identityAttribute("who")
            .clientAddressAttribute("from")
            .decisionAttribute("why")
            .build();
    try (JettyServer server = new JettyServer(filter, true)) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(server.uri("/")).header("x-apikey", Fixtures.WRITER).build());

      // The app reads the default names: nothing there, but the wrapper still answers.
      assertThat(response.body()).contains("subject=none").contains("principal=alice");
    }
  }
}
