package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AccessPolicy;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.ipfilter.IpFilter;
import io.gatehouse.ipfilter.IpRules;
import io.gatehouse.ipfilter.TrustedProxies;
import io.gatehouse.testkit.Fixtures;
import io.gatehouse.testkit.RawHttp;
import io.gatehouse.testkit.TokenAuthenticator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward-auth endpoint on a real Jetty: nginx, Traefik and Envoy shapes of the original
 * request, and hostile original targets, each refused with a precise reason.
 */
class ForwardAuthServletTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Tokens in x-apikey; /ops/backup needs the backup permission (alice holds deploy only). */
  private static Gatehouse pipeline(Duration delay) {
    return Gatehouse.builder()
        .authenticator(TokenAuthenticator.header("x-apikey", Fixtures.table(), delay))
        .accessPolicy(
            AccessPolicy.byMethod().and(AccessPolicy.requirePermission("/ops/backup", "backup")))
        .build();
  }

  @Test
  void nginxShapeAllowedAnswers200WithTheIdentityHeaders() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> response =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "POST")
                  .header("X-Original-URI", "/items?x=1")
                  .header("x-apikey", Fixtures.WRITER));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().allValues("X-Gatehouse-Subject")).containsExactly("alice");
      assertThat(response.headers().firstValue("X-Gatehouse-Access")).hasValue("read_write");
      assertThat(response.headers().firstValue("X-Gatehouse-Permissions")).hasValue("deploy");
      assertThat(response.headers().firstValue("X-Gatehouse-Space")).hasValue("default");
      assertThat(response.headers().firstValue("X-Gatehouse-Method")).hasValue("header-token");
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(response.body()).isEmpty();
    }
  }

  @Test
  void aReadTokenOnTheOriginalPostIsRefused403WithProblemJson() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      // The subrequest itself is a GET (nginx, Traefik): the original method decides.
      HttpResponse<String> response =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Forwarded-Method", "POST")
                  .header("X-Forwarded-Uri", "/items")
                  .header("X-Forwarded-Host", "app.example")
                  .header("X-Forwarded-Proto", "https")
                  .header("x-apikey", Fixtures.READER));

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(response.body()).contains("\"code\":\"insufficient_access\"");
      assertThat(response.headers().allValues("X-Gatehouse-Subject")).isEmpty();
    }
  }

  @Test
  void missingCredentialsIs401WithTheChallenge() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> response =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/items"));

      assertThat(response.statusCode()).isEqualTo(401);
      // Every challenge in one line, and the body again in a header: nginx's auth_request passes
      // one challenge line and no body on, and its configuration rebuilds the answer from these.
      assertThat(response.headers().allValues("WWW-Authenticate")).hasSize(1);
      assertThat(response.body()).contains("\"code\":\"missing_credentials\"");
      assertThat(response.headers().firstValue("X-Gatehouse-Problem")).hasValue(response.body());
    }
  }

  @Test
  void theProblemHeaderIsTheSameJsonInVisibleAscii() {
    assertThat(RefusalResponse.asciiJson("{\"detail\":\"caf\u00e9 \u2028 \\\"x\\\"\"}"))
        .isEqualTo("{\"detail\":\"caf\\u00e9 \\u2028 \\\"x\\\"\"}");
  }

  @Test
  void aStoreThatIsDownIs503WithRetryAfter() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> response =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/items")
                  .header("x-apikey", Fixtures.DOWN));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(response.body()).contains("\"code\":\"unavailable\"");
    }
  }

  /** Envoy's HTTP ext_authz: the original method, path_prefix + the original path and query. */
  @Test
  void envoyShapeDecidesTheMethodAndThePathAfterTheEndpoint() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> get =
          authz.send(authz.request("/_authz/items/7?full=1").header("x-apikey", Fixtures.READER));
      HttpResponse<String> post =
          authz.send(
              authz
                  .request("/_authz/items/7")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .header("x-apikey", Fixtures.READER));
      HttpResponse<String> rule =
          authz.send(authz.request("/_authz/ops/backup").header("x-apikey", Fixtures.WRITER));

      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.headers().firstValue("X-Gatehouse-Subject")).hasValue("bob");
      assertThat(post.statusCode()).isEqualTo(403);
      assertThat(rule.statusCode()).isEqualTo(403);
      assertThat(rule.body()).contains("permission 'backup' is required for /ops/backup");
    }
  }

  /** Envoy asks {@code /_authz/} (path_prefix + "/") for the original {@code /}. */
  @Test
  void envoyShapeDecidesTheRootPathWithAndWithoutAQuery() throws Exception {
    Gatehouse rootNeedsBackup =
        Gatehouse.builder()
            .authenticator(TokenAuthenticator.header("x-apikey", Fixtures.table(), Duration.ZERO))
            .accessPolicy(AccessPolicy.requirePermission("/", "backup"))
            .build();
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true);
        Authz guarded = new Authz(rootNeedsBackup, true)) {
      for (String target : List.of("/_authz/", "/_authz/?a=1")) {
        HttpResponse<String> root =
            authz.send(authz.request(target).header("x-apikey", Fixtures.READER));
        HttpResponse<String> rule =
            guarded.send(guarded.request(target).header("x-apikey", Fixtures.WRITER));

        assertThat(root.statusCode()).as(target + " " + root.body()).isEqualTo(200);
        assertThat(root.headers().firstValue("X-Gatehouse-Subject")).hasValue("bob");
        assertThat(rule.statusCode()).as(target).isEqualTo(403);
        assertThat(rule.body()).contains("permission 'backup' is required for /");
      }
    }
  }

  /**
   * Traefik's subrequest Host is Gatehouse's own address: without exactly one X-Forwarded-Host the
   * original host is unknown, and a space mapped by host would be decided from the wrong one.
   */
  @Test
  void traefikShapeWithoutExactlyOneForwardedHostIsRefused() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true);
        RawHttp http = new RawHttp(authz.port)) {
      HttpResponse<String> missing =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Forwarded-Method", "GET")
                  .header("X-Forwarded-Uri", "/items")
                  .header("x-apikey", Fixtures.WRITER));
      assertThat(missing.statusCode()).isEqualTo(400);
      assertThat(missing.body())
          .contains("\"code\":\"malformed\"")
          .contains("X-Forwarded-Host is missing");

      http.send(
          "GET /_authz HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Method: GET\r\n"
              + "X-Forwarded-Uri: /items\r\nX-Forwarded-Host: app.example\r\n"
              + "X-Forwarded-Host: dev.example\r\nx-apikey: "
              + Fixtures.WRITER
              + "\r\n\r\n");
      RawHttp.Response twice = http.read();
      assertThat(twice.status()).isEqualTo(400);
      assertThat(twice.body()).contains("X-Forwarded-Host was sent 2 times");
      assertThat(twice.header("X-Gatehouse-Subject")).isEmpty();
    }
  }

  /**
   * The endpoint's peer is the proxy: X-Forwarded-For names the client only when that peer is a
   * trusted proxy of the space, and then the space's address rules apply to the client.
   */
  @Test
  void theClientAddressComesFromForwardedForOnlyThroughTrustedProxies() throws Exception {
    IpRules allowlist = IpRules.builder().allow("203.0.113.0/24").build();
    Gatehouse trusting =
        Gatehouse.builder()
            .authenticator(TokenAuthenticator.header("x-apikey", Fixtures.table(), Duration.ZERO))
            .clientAddressResolver(
                IpFilter.clientAddressResolver(
                    TrustedProxies.builder().trust("127.0.0.1/32").build()))
            .addressFilter(IpFilter.addressFilter(allowlist))
            .build();
    Gatehouse believingNoOne =
        Gatehouse.builder()
            .authenticator(TokenAuthenticator.header("x-apikey", Fixtures.table(), Duration.ZERO))
            .clientAddressResolver(IpFilter.clientAddressResolver(TrustedProxies.NONE))
            .addressFilter(IpFilter.addressFilter(allowlist))
            .build();
    try (Authz authz = new Authz(trusting, true);
        Authz untrusting = new Authz(believingNoOne, true)) {
      HttpResponse<String> inside = authz.send(forwardedFor(authz, "203.0.113.7"));
      HttpResponse<String> outside = authz.send(forwardedFor(authz, "198.51.100.7"));
      HttpResponse<String> ignored = untrusting.send(forwardedFor(untrusting, "203.0.113.7"));

      assertThat(inside.statusCode()).as(inside.body()).isEqualTo(200);
      assertThat(outside.statusCode()).isEqualTo(403);
      assertThat(outside.body()).contains("\"code\":\"address_denied\"");
      assertThat(ignored.statusCode()).isEqualTo(403);
      assertThat(ignored.body()).contains("\"code\":\"address_denied\"");
    }
  }

  private static HttpRequest.Builder forwardedFor(Authz authz, String client) {
    return authz
        .request("/_authz")
        .header("X-Original-Method", "GET")
        .header("X-Original-URI", "/items")
        .header("X-Forwarded-For", client)
        .header("x-apikey", Fixtures.READER);
  }

  /** A slow (asynchronous) decision answers the same, from a freed container thread. */
  @Test
  void anAsynchronousDecisionAnswersAlike() throws Exception {
    for (boolean async : List.of(true, false)) {
      try (Authz authz = new Authz(pipeline(Duration.ofMillis(30)), async)) {
        HttpResponse<String> allowed =
            authz.send(
                authz
                    .request("/_authz")
                    .header("X-Original-Method", "GET")
                    .header("X-Original-URI", "/items")
                    .header("x-apikey", Fixtures.WRITER));
        HttpResponse<String> refused =
            authz.send(
                authz
                    .request("/_authz")
                    .header("X-Original-Method", "DELETE")
                    .header("X-Original-URI", "/items")
                    .header("x-apikey", Fixtures.READER));

        assertThat(allowed.statusCode()).as("async " + async).isEqualTo(200);
        assertThat(allowed.headers().firstValue("X-Gatehouse-Subject")).hasValue("alice");
        assertThat(refused.statusCode()).as("async " + async).isEqualTo(403);
      }
    }
  }

  /** Path rules see the canonical original path: other spellings reach the same rule. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/ops/backup", "/ops/%62ackup", "//ops//backup", "/ops/backup;v=1"})
  void pathRulesCannotBeSideSteppedThroughTheOriginalUri(String spelling) throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> response =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", spelling)
                  .header("x-apikey", Fixtures.WRITER));

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).contains("permission 'backup' is required for /ops/backup");
    }
  }

  /** Ambiguous or hostile original targets are refused 400 malformed, never guessed. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "/ops%2Fbackup",
        "/ops%2fbackup",
        "/x/../ops/backup",
        "/ops/./backup",
        "/ops/%2e%2e/ops/backup",
        "/ops/..;/ops/backup",
        "/ops/backup%00",
        "/a%0d%0aX-Gatehouse-Subject:%20root",
        "/a%zz",
        "/a\\b",
        "http://evil.example/ops/backup",
        "ops/backup",
        "*",
        "/a#frag",
        "/a\tb",
        "/caf%C3",
      })
  void hostileOriginalTargetsAreRefusedAsMalformed(String target) throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true);
        RawHttp http = new RawHttp(authz.port)) {
      http.send(
          "GET /_authz HTTP/1.1\r\nHost: localhost\r\nX-Original-Method: GET\r\n"
              + "X-Original-URI: "
              + target
              + "\r\nx-apikey: "
              + Fixtures.WRITER
              + "\r\n\r\n");
      RawHttp.Response response = http.read();

      assertThat(response.status()).as(target).isEqualTo(400);
      assertThat(response.body()).contains("\"code\":\"malformed\"");
      assertThat(response.header("X-Gatehouse-Subject")).isEmpty();
    }
  }

  @Test
  void anOverlongOriginalTargetIsRefused() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> response =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/" + "a".repeat(OriginalRequest.MAX_TARGET))
                  .header("x-apikey", Fixtures.WRITER));

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains("longer than 8192");
    }
  }

  @Test
  void missingRepeatedGarbledOrDisagreeingShapesAreRefusedPrecisely() throws Exception {
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true);
        RawHttp http = new RawHttp(authz.port)) {
      assertThat(authz.send(authz.request("/_authz").header("x-apikey", Fixtures.WRITER)).body())
          .contains("no original request");
      assertThat(
              authz
                  .send(
                      authz
                          .request("/_authz")
                          .header("X-Original-URI", "/items")
                          .header("x-apikey", Fixtures.WRITER))
                  .body())
          .contains("X-Original-Method is missing");
      assertThat(
              authz
                  .send(
                      authz
                          .request("/_authz")
                          .header("X-Forwarded-Method", "GET")
                          .header("x-apikey", Fixtures.WRITER))
                  .body())
          .contains("X-Forwarded-Uri is missing");
      assertThat(
              authz
                  .send(
                      authz
                          .request("/_authz")
                          .header("X-Original-Method", "GE(T")
                          .header("X-Original-URI", "/items")
                          .header("x-apikey", Fixtures.WRITER))
                  .body())
          .contains("not an HTTP method token");
      // nginx's headers and Traefik's both present but naming different requests.
      HttpResponse<String> disagree =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/public")
                  .header("X-Forwarded-Method", "GET")
                  .header("X-Forwarded-Uri", "/ops/backup")
                  .header("x-apikey", Fixtures.WRITER));
      assertThat(disagree.statusCode()).isEqualTo(400);
      assertThat(disagree.body()).contains("exactly one shape must be sent");
      // ... and naming the same one: still refused, one of the two shapes came from the client.
      HttpResponse<String> agree =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/items")
                  .header("X-Forwarded-Method", "GET")
                  .header("X-Forwarded-Uri", "/items")
                  .header("x-apikey", Fixtures.WRITER));
      assertThat(agree.statusCode()).isEqualTo(400);
      assertThat(agree.body()).contains("exactly one shape must be sent");
      // A path after the endpoint (Envoy) and nginx's headers at once.
      HttpResponse<String> both =
          authz.send(
              authz
                  .request("/_authz/items")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/items")
                  .header("x-apikey", Fixtures.WRITER));
      assertThat(both.statusCode()).isEqualTo(400);
      assertThat(both.body()).contains("both a path after the endpoint");
      // The original target sent twice.
      http.send(
          "GET /_authz HTTP/1.1\r\nHost: localhost\r\nX-Original-Method: GET\r\n"
              + "X-Original-URI: /items\r\nX-Original-URI: /ops/backup\r\nx-apikey: "
              + Fixtures.WRITER
              + "\r\n\r\n");
      RawHttp.Response twice = http.read();
      assertThat(twice.status()).isEqualTo(400);
      assertThat(twice.body()).contains("X-Original-URI was sent 2 times");
    }
  }

  /**
   * Whatever the client sends under X-Gatehouse-* is invisible to the pipeline (an authenticator
   * reading X-Gatehouse-Subject never sees it) and never echoed.
   */
  @Test
  void clientSentGatehouseHeadersAreNeverTrustedNorEchoed() throws Exception {
    Gatehouse trusting =
        Gatehouse.builder()
            .authenticator(
                TokenAuthenticator.header("X-Gatehouse-Subject", Fixtures.table(), Duration.ZERO))
            .build();
    try (Authz authz = new Authz(trusting, true)) {
      HttpResponse<String> forged =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/items")
                  .header("X-Gatehouse-Subject", Fixtures.WRITER));

      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.headers().allValues("X-Gatehouse-Subject")).isEmpty();
    }
    try (Authz authz = new Authz(pipeline(Duration.ZERO), true)) {
      HttpResponse<String> mixed =
          authz.send(
              authz
                  .request("/_authz")
                  .header("X-Original-Method", "GET")
                  .header("X-Original-URI", "/items")
                  .header("X-Gatehouse-Subject", "root")
                  .header("X-Gatehouse-Access", "admin")
                  .header("x-apikey", Fixtures.READER));

      assertThat(mixed.statusCode()).isEqualTo(200);
      assertThat(mixed.headers().allValues("X-Gatehouse-Subject")).containsExactly("bob");
      assertThat(mixed.headers().allValues("X-Gatehouse-Access")).containsExactly("read");
    }
  }

  @Test
  void builderRefusesBadTimeouts() {
    ForwardAuthServlet.Builder builder = ForwardAuthServlet.builder(pipeline(Duration.ZERO));
    assertThatThrownBy(() -> builder.asyncTimeout(Duration.ZERO))
        .hasMessageContaining("asyncTimeout");
    assertThatThrownBy(() -> builder.blockingTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("blockingTimeout");
    assertThat(builder.includeDetail(false).build().toString()).startsWith("ForwardAuthServlet[");
  }

  /** The endpoint alone on a loopback Jetty, at /_authz/*. */
  private static final class Authz implements AutoCloseable {
    final Server server = new Server();
    final int port;

    Authz(Gatehouse gatehouse, boolean asyncSupported) throws Exception {
      HttpConfiguration http = new HttpConfiguration();
      // Room for an original target of MAX_TARGET characters plus the other headers.
      http.setRequestHeaderSize(32 * 1024);
      ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      ServletHolder holder = new ServletHolder(ForwardAuthServlet.builder(gatehouse).build());
      holder.setAsyncSupported(asyncSupported);
      context.addServlet(holder, "/_authz/*");
      server.setHandler(context);
      server.start();
      port = connector.getLocalPort();
    }

    HttpRequest.Builder request(String target) {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("Jetty did not stop", e);
      }
    }
  }
}
