package io.gatehouse.console;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Access;
import io.gatehouse.core.AccessPolicy;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.servlet.GatehouseFilter;
import io.gatehouse.testkit.MutableClock;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 app wired as the console's javadoc says: the console servlet under {@code
 * /_admin/*}, and an admin-like API under {@code /_admin/api/*} behind a {@link GatehouseFilter}
 * whose pipeline has the console's session authenticator first, then the admin-token authenticator,
 * and a permission policy (admin access and {@code manage}, or {@code tokens} for {@code
 * /_admin/api/tokens}).
 */
final class ConsoleApp implements AutoCloseable {
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T09:00:00Z"));
  final ApiKeys keys;
  final AdminConsole console;
  final Server server;
  final int port;

  ConsoleApp() throws Exception {
    this(builder -> {});
  }

  ConsoleApp(Consumer<AdminConsole.Builder> configure) throws Exception {
    this(TokenStores.inMemory(), configure);
  }

  ConsoleApp(TokenStore store, Consumer<AdminConsole.Builder> configure) throws Exception {
    keys = ApiKeys.builder(store).clock(clock).build();
    SpaceResolver spaces = SpaceResolver.fromHeader("x-space", "default");
    Gatehouse signIn =
        Gatehouse.builder()
            .spaceResolver(spaces)
            .authenticator(keys.adminAuthenticator())
            .clock(clock)
            .build();
    AdminConsole.Builder builder = AdminConsole.builder(signIn).clock(clock).spaceHeader("x-space");
    configure.accept(builder);
    console = builder.build();
    Gatehouse adminApi =
        Gatehouse.builder()
            .spaceResolver(spaces)
            .authenticator(console.authenticator())
            .authenticator(keys.adminAuthenticator())
            .accessPolicy(AccessPolicy.byMethod().and(ConsoleApp::adminPermissions))
            .clock(clock)
            .build();

    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(console.servlet()), "/_admin/*");
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(adminApi).build());
    filter.setAsyncSupported(true);
    context.addFilter(
        filter, "/_admin/api/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder api = new ServletHolder(new EchoApi());
    api.setAsyncSupported(true);
    context.addServlet(api, "/_admin/api/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  static String adminPermissions(io.gatehouse.core.AuthRequest request, Identity identity) {
    if (identity.access() != Access.ADMIN) {
      return "the admin API needs an admin token";
    }
    String needed = request.path().startsWith("/_admin/api/tokens") ? "tokens" : "manage";
    return identity.hasPermission("manage") || identity.hasPermission(needed)
        ? null
        : "the admin token needs permission '" + needed + "'";
  }

  /** A new admin token in {@code space} with {@code permissions}; returns its text. */
  String adminToken(String space, String... permissions) {
    return keys.create(
            NewToken.adminToken(space)
                .name("ops")
                .owner("team:ops")
                .permissions(List.of(permissions))
                .build())
        .token();
  }

  String apiToken(String space) {
    return keys.create(NewToken.apiToken(space).name("reader").build()).token();
  }

  static boolean canChangeSettings(Identity identity) {
    return identity.hasPermission("manage") || identity.hasPermission("settings");
  }

  /** A signed-in session: its cookie header value and CSRF token. */
  record Signed(String cookie, String csrf) {}

  Signed signedIn(String token) throws Exception {
    java.net.http.HttpResponse<String> response = signIn(token, null, null);
    if (response.statusCode() != 200) {
      throw new AssertionError("sign-in failed: " + response.body());
    }
    return signed(response);
  }

  /** Signs in with {@code token}, in the session {@code previous} if any, to {@code space}. */
  java.net.http.HttpResponse<String> signIn(String token, Signed previous, String space)
      throws Exception {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(uri("/_admin/session"))
            .header("Content-Type", "application/json")
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    StrictJson.write(java.util.Map.of("token", token))));
    if (previous != null) {
      request.header("Cookie", previous.cookie());
    }
    if (space != null) {
      request.header("x-space", space);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** The session a successful sign-in opened. */
  static Signed signed(java.net.http.HttpResponse<String> response) {
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    return new Signed(
        setCookie.substring(0, setCookie.indexOf(';')),
        (String) StrictJson.parseObject(response.body()).get("csrf"));
  }

  /** GET on the admin API with the session's cookie; its status. */
  int adminApiStatus(Signed signed) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(uri("/_admin/api/x"))
                .header("Cookie", signed.cookie())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  java.net.http.HttpResponse<String> postJson(
      String path, Signed signed, boolean withCsrf, String body) throws Exception {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (signed != null) {
      request.header("Cookie", signed.cookie());
      if (withCsrf) {
        request.header(ConsoleSessions.CSRF_HEADER, signed.csrf());
      }
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    } finally {
      console.close();
      keys.close();
    }
  }

  /** Answers with the caller's identity, as the admin API would act on it. */
  static final class EchoApi extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      // A real API reads the body it was sent; one left unread costs the client its connection.
      request.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      Identity identity = (Identity) request.getAttribute(GatehouseFilter.IDENTITY);
      String body =
          "{\"method\":\""
              + request.getMethod()
              + "\",\"subject\":\""
              + identity.subject()
              + "\",\"space\":\""
              + identity.space()
              + "\",\"via\":\""
              + identity.method()
              + "\"}";
      response.setContentType("application/json");
      response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
