package io.gatehouse.console;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Redact;
import io.gatehouse.servlet.UnreadBody;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Serves the console under its mount point (e.g. {@code /_admin/*}): the static UI from this jar,
 * and the session endpoints. The admin API itself ({@code api/...}) is the application's, mapped
 * more specifically.
 *
 * <pre>
 * GET    /                 index.html (also /index.html); /app.js, /app.css
 * GET    /session          who is signed in, with the CSRF token; 401 when nobody
 * POST   /session          sign in: {"token": "gha_..."} (application/json)
 * DELETE /session          sign out (X-CSRF-Token)
 * POST   /session/space    {"space": "..."}: act on another signed-in space (X-CSRF-Token)
 * POST   /jwks-test        {"url": "..."}: fetch a JWKS once and report keys and health
 * </pre>
 */
final class ConsoleServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private static final int MAX_BODY = 8 * 1024;
  private static final int MAX_TOKEN = 1024;

  private final transient Gatehouse signIn;
  private final transient ConsoleSessions sessions;
  private final transient Predicate<Identity> signInAllowed;
  private final transient Predicate<Identity> testFetchAllowed;
  private final transient JwksProbe probe;
  private final transient SignInThrottle throttle;
  private final Duration signInTimeout;
  private final boolean alwaysSecure;
  private final @Nullable String spaceHeader;
  private final transient Map<String, Asset> assets;

  ConsoleServlet(
      Gatehouse signIn,
      ConsoleSessions sessions,
      Predicate<Identity> signInAllowed,
      Predicate<Identity> testFetchAllowed,
      JwksProbe probe,
      SignInThrottle throttle,
      Duration signInTimeout,
      boolean alwaysSecure,
      @Nullable String spaceHeader) {
    this.signIn = signIn;
    this.sessions = sessions;
    this.signInAllowed = signInAllowed;
    this.testFetchAllowed = testFetchAllowed;
    this.probe = probe;
    this.throttle = throttle;
    this.signInTimeout = signInTimeout;
    this.alwaysSecure = alwaysSecure;
    this.spaceHeader = spaceHeader;
    Asset index = Asset.load("index.html", "text/html; charset=utf-8");
    Map<String, Asset> map = new LinkedHashMap<>();
    map.put("/", index);
    map.put("/index.html", index);
    map.put("/app.js", Asset.load("app.js", "text/javascript; charset=utf-8"));
    map.put("/app.css", Asset.load("app.css", "text/css; charset=utf-8"));
    map.put("/favicon.svg", Asset.load("favicon.svg", "image/svg+xml"));
    this.assets = Collections.unmodifiableMap(map);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    securityHeaders(response);
    String path = request.getPathInfo();
    String method = request.getMethod();
    if (path == null) {
      response.setStatus(308);
      response.setHeader("Location", mountPath(request) + "/");
      return;
    }
    try {
      switch (path) {
        case "/session" -> session(method, request, response);
        case "/session/space" ->
            onlyPost(method, request, response, () -> switchSpace(request, response));
        case "/jwks-test" ->
            onlyPost(method, request, response, () -> testFetch(request, response));
        default -> asset(path, method, request, response);
      }
    } catch (IllegalArgumentException e) {
      error(request, response, 400, Objects.requireNonNullElse(e.getMessage(), "bad request"));
    } catch (IllegalStateException e) {
      error(request, response, 503, Objects.requireNonNullElse(e.getMessage(), "unavailable"));
    }
  }

  private void session(String method, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    switch (method) {
      case "GET" -> {
        Session session = current(request);
        if (session == null) {
          error(request, response, 401, "not signed in");
        } else {
          json(request, response, 200, describe(session));
        }
      }
      case "POST" -> signIn(request, response);
      case "DELETE" -> {
        Session session = requireSession(request, response, true);
        if (session != null) {
          sessions.close(session);
          response.addHeader("Set-Cookie", cookie(request, "", true));
          response.setStatus(204);
        }
      }
      default -> methodNotAllowed(request, response, "GET, POST, DELETE");
    }
  }

  private void signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!requireJsonFromThisOrigin(request, response)) {
      return;
    }
    Object token = readJson(request).get("token");
    if (!(token instanceof String text) || text.isBlank()) {
      error(request, response, 400, "paste an admin token into 'token'");
      return;
    }
    if (text.length() > MAX_TOKEN) {
      error(request, response, 400, "the token is longer than " + MAX_TOKEN + " characters");
      return;
    }
    String client = clientAddress(request);
    Duration wait = throttle.waitBefore(client);
    if (wait != null) {
      // Before the token is looked up: a held-off address costs the store nothing, and the
      // answer is the same whether its token is right or wrong.
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      response.setHeader("Retry-After", Long.toString(seconds));
      error(
          request,
          response,
          429,
          "too many failed sign-ins from this address: try again in " + seconds + " s");
      return;
    }
    Decision decision = decide(new SignInRequest(request, text.strip()));
    if (!decision.allowed()) {
      if (decision.status() == 401 || decision.status() == 403) {
        throttle.failed(client);
      }
      error(request, response, decision.status(), "sign-in refused: " + decision.detail());
      return;
    }
    Identity identity = Objects.requireNonNull(decision.identity(), "allowed has an identity");
    if (!signInAllowed.test(identity)) {
      throttle.failed(client);
      error(request, response, 403, "this token cannot sign in to the console: use an admin token");
      return;
    }
    ConsoleSessions.Opened opened = sessions.open(identity, current(request));
    if (opened == null) {
      // The token store says the token no longer stands (the pipeline judged it from a cache that
      // had not yet seen its revocation or change): refused as an unknown token is.
      throttle.failed(client);
      error(request, response, 401, "sign-in refused: unknown admin token");
      return;
    }
    response.addHeader("Set-Cookie", cookie(request, opened.id(), false));
    json(request, response, 200, describe(opened.session()));
  }

  /**
   * The client address the sign-in pipeline resolves for this request (through its trusted
   * proxies), found by deciding the request without its token: the authenticators abstain, so
   * nothing is looked up. Falls back to the socket peer when the pipeline refuses before it has an
   * address (the real decision then refuses the same way).
   */
  private String clientAddress(HttpServletRequest request) {
    InetAddress resolved = decide(new SignInRequest(request, null)).clientAddress();
    return resolved != null ? resolved.getHostAddress() : request.getRemoteAddr();
  }

  private Decision decide(SignInRequest probeRequest) {
    try {
      return signIn
          .decide(probeRequest)
          .toCompletableFuture()
          .get(signInTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the token", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the token could not be checked in time; try again", e);
    }
  }

  private void switchSpace(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Session session = requireSession(request, response, true);
    if (session == null) {
      return;
    }
    Object space = readJson(request).get("space");
    if (!(space instanceof String name) || !session.switchTo(name)) {
      error(
          request,
          response,
          404,
          "this session is not signed into that space: sign in with its token");
      return;
    }
    json(request, response, 200, describe(session));
  }

  private void testFetch(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Session session = requireSession(request, response, true);
    if (session == null) {
      return;
    }
    if (!testFetchAllowed.test(session.activeIdentity())) {
      error(request, response, 403, "the test fetch needs the permission to change settings");
      return;
    }
    Object url = readJson(request).get("url");
    if (!(url instanceof String text) || text.isBlank()) {
      error(request, response, 400, "enter the JWKS URL to fetch");
      return;
    }
    json(request, response, 200, probe.probe(text));
  }

  /** The live session, or null after answering 401 (or 403 without the CSRF token). */
  private @Nullable Session requireSession(
      HttpServletRequest request, HttpServletResponse response, boolean changesState)
      throws IOException {
    Session session = current(request);
    if (session == null) {
      error(request, response, 401, "not signed in");
      return null;
    }
    if (changesState
        && !ConsoleSessions.csrfMatches(session, request.getHeader(ConsoleSessions.CSRF_HEADER))) {
      error(request, response, 403, "missing or wrong " + ConsoleSessions.CSRF_HEADER);
      return null;
    }
    return session;
  }

  private @Nullable Session current(HttpServletRequest request) {
    List<String> cookies = new ArrayList<>();
    var headers = request.getHeaders("Cookie");
    while (headers != null && headers.hasMoreElements()) {
      cookies.add(headers.nextElement());
    }
    String id = ConsoleSessions.sessionCookie(cookies);
    return id == null || id.isEmpty() ? null : sessions.find(id);
  }

  /**
   * Sign-in must be a JSON POST from the console's own origin: a cross-site form cannot send JSON
   * without a CORS preflight, so no other site can sign a browser in with its own token.
   */
  private static boolean requireJsonFromThisOrigin(
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    String type = Objects.requireNonNullElse(request.getContentType(), "");
    if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      error(request, response, 415, "send the sign-in as application/json");
      return false;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !origin.equals(ownOrigin(request))) {
      error(request, response, 403, "cross-origin sign-in refused");
      return false;
    }
    return true;
  }

  private static String ownOrigin(HttpServletRequest request) {
    String scheme = request.getScheme();
    int port = request.getServerPort();
    boolean defaultPort =
        (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    String host = request.getServerName();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create(scheme + "://" + host + (defaultPort ? "" : ":" + port)).toString();
  }

  private Map<String, Object> describe(Session session) {
    Identity identity = session.activeIdentity();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", identity.subject());
    out.put("credentialId", identity.credentialId());
    out.put("space", session.activeSpace());
    out.put("spaces", List.copyOf(session.spaces().keySet()));
    out.put("access", identity.access().name());
    out.put("permissions", List.copyOf(identity.permissions()));
    Object owner = identity.claims().get("owner");
    out.put("owner", owner instanceof String s ? s : null);
    out.put("expiresAt", session.expiresAt().toString());
    out.put("spaceHeader", spaceHeader);
    out.put("csrf", session.csrfToken());
    return out;
  }

  private String cookie(HttpServletRequest request, String value, boolean expire) {
    StringBuilder out =
        new StringBuilder(ConsoleSessions.COOKIE)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(mountPath(request))
            .append("; HttpOnly; SameSite=Strict");
    if (alwaysSecure || request.isSecure()) {
      out.append("; Secure");
    }
    if (expire) {
      out.append("; Max-Age=0");
    }
    return out.toString();
  }

  private static String mountPath(HttpServletRequest request) {
    String path = request.getContextPath() + request.getServletPath();
    return path.isEmpty() ? "/" : path;
  }

  private void asset(
      String path, String method, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Asset asset = assets.get(path);
    if (asset == null) {
      error(request, response, 404, "no such console page: " + Redact.safe(path));
      return;
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      methodNotAllowed(request, response, "GET, HEAD");
      return;
    }
    response.setStatus(200);
    response.setContentType(asset.contentType());
    response.setContentLength(asset.bytes().length);
    if (method.equals("GET")) {
      response.getOutputStream().write(asset.bytes());
    }
  }

  private static void securityHeaders(HttpServletResponse response) {
    response.setHeader("Content-Security-Policy", CSP);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    response.setHeader("Cache-Control", "no-store");
  }

  private static Map<String, Object> readJson(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new IllegalArgumentException("request body larger than " + MAX_BODY + " bytes");
      }
      return StrictJson.parseObject(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  private static void onlyPost(
      String method, HttpServletRequest request, HttpServletResponse response, Action action)
      throws IOException {
    if (method.equals("POST")) {
      action.run();
    } else {
      methodNotAllowed(request, response, "POST");
    }
  }

  private static void methodNotAllowed(
      HttpServletRequest request, HttpServletResponse response, String allowed) throws IOException {
    response.setHeader("Allow", allowed);
    error(request, response, 405, "use " + allowed);
  }

  static void error(
      HttpServletRequest request, HttpServletResponse response, int status, String message)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", (long) status);
    body.put("error", message);
    json(request, response, status, body);
  }

  private static void json(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      Map<String, Object> body)
      throws IOException {
    UnreadBody.settle(request, response);
    byte[] bytes = (StrictJson.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  @FunctionalInterface
  private interface Action {
    void run() throws IOException;
  }

  /** A file of the UI, read from this jar once. */
  static final class Asset {
    private final byte[] bytes;
    private final String contentType;

    private Asset(byte[] bytes, String contentType) {
      this.bytes = bytes;
      this.contentType = contentType;
    }

    byte[] bytes() {
      return bytes;
    }

    String contentType() {
      return contentType;
    }

    static Asset load(String name, String contentType) {
      try (InputStream in = ConsoleServlet.class.getResourceAsStream("assets/" + name)) {
        if (in == null) {
          throw new IllegalStateException("the console jar lacks assets/" + name);
        }
        return new Asset(in.readAllBytes(), contentType);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read assets/" + name, e);
      }
    }
  }
}
