package io.gatehouse.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.HookResult;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.EchoUpstream;
import io.gatehouse.testkit.Nginx;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward-auth endpoint behind a real nginx with {@code auth_request} (the configuration in
 * docs/FORWARD-AUTH.md, verbatim from {@code forward-auth/nginx-server.conf}), in front of a
 * non-Java upstream (python3), with tokens in a real PostgreSQL that the test stops for the 503.
 */
class ForwardAuthNginxTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir Path dir;

  private EmbeddedPostgresStore postgres;
  private ManagedGatehouse managed;
  private Server gatehouse;
  private EchoUpstream upstream;
  private Nginx nginx;
  private Management operator;
  private String writer;
  private String reader;

  /** Refusals the pipeline decided, counted by its listener: one per refused client request. */
  private final AtomicInteger refusals = new AtomicInteger();

  /** The client-address headers the pipeline saw on the last request that reached the hook. */
  private final AtomicReference<String> addressHeaders = new AtomicReference<>("");

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Nginx.executable() != null, "nginx is not installed: " + Nginx.INSTALL_LINE);
    assumeTrue(
        EchoUpstream.python3() != null, "python3 is not installed: " + EchoUpstream.INSTALL_LINE);
    postgres = new EmbeddedPostgresStore(dir.resolve("pgdata"));
    managed =
        ManagedGatehouse.builder(postgres.url())
            .credentials(EmbeddedPostgresStore.USER, EmbeddedPostgresStore.PASSWORD)
            // The app's own rule: /ops/backup needs the backup permission.
            .hook(
                (context, identity) -> {
                  addressHeaders.set(addressHeadersOf(context.request()));
                  return CompletableFuture.completedFuture(
                      context.request().path().startsWith("/ops/backup")
                              && (identity == null || !identity.permissions().contains("backup"))
                          ? HookResult.deny(
                              Reason.INSUFFICIENT_ACCESS, "backup is required for /ops/backup")
                          : HookResult.proceed());
                })
            .listener(
                new AuthListener() {
                  @Override
                  public void onDecision(AuthRequest request, Decision decision) {
                    if (!decision.allowed()) {
                      refusals.incrementAndGet();
                    }
                  }
                })
            .build();
    gatehouse = forwardAuthServer(managed);
    operator = managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
    operator.trustProxies(new SpaceConfig.Proxies(List.of("127.0.0.1/32"), 0));
    writer = token(false);
    reader = token(true);
    upstream = EchoUpstream.start(Files.createDirectories(dir.resolve("upstream")));
    Path conf = Files.createDirectories(dir.resolve("nginx"));
    Files.writeString(
        conf.resolve("gatehouse-authz-headers.conf"), resource("gatehouse-authz-headers.conf"));
    int gatehousePort = ((ServerConnector) gatehouse.getConnectors()[0]).getLocalPort();
    String server = resource("nginx-server.conf");
    nginx =
        Nginx.start(
            conf,
            port ->
                server
                    .replace("@GATEHOUSE@", "127.0.0.1:" + gatehousePort)
                    .replace("@APP@", "127.0.0.1:" + upstream.port())
                    .replace("@LISTEN@", "127.0.0.1:" + port));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable open : new AutoCloseable[] {nginx, upstream, operator, managed, postgres}) {
      if (open != null) {
        open.close();
      }
    }
    if (gatehouse != null) {
      gatehouse.stop();
    }
  }

  @Test
  void anAllowedRequestReachesTheUpstreamWithTheIdentityHeaders() throws Exception {
    HttpResponse<String> response =
        send(
            request("/items?x=1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                .header("x-apikey", writer));

    assertThat(response.statusCode()).as(diagnose(response)).isEqualTo(200);
    assertThat(response.body())
        .contains(
            "\"method\": \"POST\"", "\"target\": \"/items?x=1\"", "\"body\": \"{\\\"a\\\":1}\"")
        .contains("[\"X-Gatehouse-Access\", \"read_write\"]")
        .contains("[\"X-Gatehouse-Space\", \"" + ManagedGatehouse.DEFAULT_SPACE + "\"]")
        .contains("[\"X-Gatehouse-Subject\", \"");
  }

  @Test
  void aMissingCredentialIs401WithTheChallenge() throws Exception {
    HttpResponse<String> response = send(request("/items"));

    assertThat(response.statusCode()).as(diagnose(response)).isEqualTo(401);
    // auth_request passes the 401 on with Gatehouse's one challenge line; the problem+json body is
    // rebuilt from X-Gatehouse-Problem without asking Gatehouse again.
    assertThat(response.headers().allValues("WWW-Authenticate"))
        .containsExactly("ApiKey realm=\"api\", header=\"x-apikey\", Bearer realm=\"api\"");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("\"status\":401").contains("\"code\":");
  }

  @Test
  void aReadTokenOnPostIs403() throws Exception {
    HttpResponse<String> response =
        send(
            request("/items")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("x-apikey", reader));

    assertThat(response.statusCode()).as(diagnose(response)).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.body()).contains("\"status\":403").doesNotContain("\"target\"");
    // ... while a GET with it passes.
    assertThat(send(request("/items").header("x-apikey", reader)).statusCode()).isEqualTo(200);
  }

  @Test
  void aStoreThatIsDownIs503WithRetryAfterNot500() throws Exception {
    String neverLookedUp = token(false);
    postgres.stop();

    HttpResponse<String> response = send(request("/items").header("x-apikey", neverLookedUp));

    assertThat(response.statusCode()).as(diagnose(response)).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    assertThat(response.body()).contains("\"code\":\"unavailable\"");
  }

  @Test
  void aForgedIdentityFromTheClientNeverReachesTheUpstream() throws Exception {
    HttpResponse<String> response =
        send(
            request("/items")
                .header("X-Gatehouse-Subject", "root")
                .header("X-Gatehouse-Access", "admin")
                .header("X-Gatehouse-Permissions", "backup")
                .header("x-apikey", reader));

    assertThat(response.statusCode()).as(diagnose(response)).isEqualTo(200);
    assertThat(response.body())
        .doesNotContain("root")
        .doesNotContain("admin")
        .doesNotContain("backup")
        .contains("[\"X-Gatehouse-Access\", \"read\"]");
    // Without a credential the forgery is refused, not believed.
    assertThat(send(request("/items").header("X-Gatehouse-Subject", "root")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void pathRuleSideStepsThroughTheOriginalUriAreRefused() throws Exception {
    for (String spelling :
        List.of(
            "/ops/backup",
            "/ops/%62ackup",
            "/ops//backup",
            "/ops/backup;v=1",
            "/ops%2Fbackup",
            "/ops/%2e%2e/ops/backup",
            "/x/../ops/backup",
            "/ops/./backup",
            "/ops/..;/ops/backup")) {
      HttpResponse<String> response = send(request(spelling).header("x-apikey", writer));

      assertThat(response.statusCode()).as(spelling + diagnose(response)).isIn(400, 403);
      assertThat(response.body()).as(spelling).doesNotContain("\"target\"");
    }
    assertThat(send(request("/ops/other").header("x-apikey", writer)).statusCode()).isEqualTo(200);
  }

  /**
   * nginx asks Gatehouse once per refused request (only a 500 goes to the second location), so N
   * refused credentials count N against the credential throttle and the usage counters, not 2N.
   */
  @Test
  void eachRefusedRequestIsDecidedOnce() throws Exception {
    int before = refusals.get();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> unknown =
          send(request("/items").header("x-apikey", "gh_unknown_" + i + "_aaaaaaaaaaaaaaaaaaaaaa"));
      assertThat(unknown.statusCode()).as(diagnose(unknown)).isEqualTo(401);
    }
    HttpResponse<String> forbidden =
        send(
            request("/items").POST(HttpRequest.BodyPublishers.noBody()).header("x-apikey", reader));
    assertThat(forbidden.statusCode()).isEqualTo(403);

    assertThat(refusals.get() - before).isEqualTo(4);
  }

  /**
   * The client's own X-Real-IP, Forwarded and X-Forwarded-For never reach Gatehouse: nginx replaces
   * or empties each, so a space trusting nginx sees the address nginx saw, and a denied address
   * named by the client does not become the client address.
   */
  @Test
  void clientSentAddressHeadersNeverBecomeTheClientAddress() throws Exception {
    operator.deny(List.of("203.0.113.9"));
    HttpResponse<String> response =
        send(
            request("/items")
                .header("X-Real-IP", "203.0.113.9")
                .header("Forwarded", "for=203.0.113.9")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("x-apikey", reader));

    assertThat(response.statusCode()).as(diagnose(response)).isEqualTo(200);
    assertThat(addressHeaders.get())
        .isEqualTo("X-Real-IP=[127.0.0.1] Forwarded=[] X-Forwarded-For=[127.0.0.1]");
  }

  private static String addressHeadersOf(AuthRequest request) {
    return "X-Real-IP="
        + request.headers("X-Real-IP")
        + " Forwarded="
        + request.headers("Forwarded")
        + " X-Forwarded-For="
        + request.headers("X-Forwarded-For");
  }

  private Management.CreatedTokenView createToken(boolean readOnly) {
    return operator.createToken(
        new Management.TokenRequest(false, readOnly, "forward", null, List.of(), null));
  }

  private String token(boolean readOnly) {
    return createToken(readOnly).token();
  }

  private HttpRequest.Builder request(String target) {
    return HttpRequest.newBuilder(URI.create(nginx.baseUrl() + target));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String diagnose(HttpResponse<String> response) {
    return "\n" + response.headers().map() + "\n" + response.body() + "\n" + nginx.errorLog();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ForwardAuthNginxTest.class.getResourceAsStream("/forward-auth/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource forward-auth/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The endpoint as {@code gatehouse serve --forward-auth} mounts it: /_authz/*, no filter. */
  private static Server forwardAuthServer(ManagedGatehouse managed) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(ManagedGatehouse.FORWARD_AUTH_PATH);
    context.setAllowNullPathInContext(true);
    ServletHolder holder = new ServletHolder(managed.forwardAuthServlet());
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    server.setHandler(context);
    server.start();
    return server;
  }
}
