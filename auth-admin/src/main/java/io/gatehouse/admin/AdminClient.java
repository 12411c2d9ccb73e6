package io.gatehouse.admin;

import io.gatehouse.core.Redact;
import io.gatehouse.ipfilter.IpAddress;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link Management} through a running server's admin API ({@link AdminServlet}), authenticated by
 * an admin token. The server decides the space: the admin token's.
 */
public final class AdminClient implements Management {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final URI base;
  private final String adminToken;
  private final HttpClient client;

  public AdminClient(String server, String adminToken, boolean insecure) {
    this.base = parseServer(server, insecure);
    if (adminToken.isBlank()) {
      throw new IllegalArgumentException("--admintoken (or $GATEHOUSE_ADMINTOKEN) is empty");
    }
    this.adminToken = adminToken.strip();
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The server's base URI. Plain {@code http} is refused unless the host is this machine (an
   * IP-literal loopback address or exactly {@code localhost}) or {@code insecure} is set: the admin
   * token goes in every request's header. Only the URI's text is judged, never a DNS answer, so
   * {@code http://127.0.0.1.nip.io} is not loopback.
   */
  public static URI parseServer(String server, boolean insecure) {
    URI uri;
    try {
      uri = new URI(server.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "invalid --server '" + Redact.safe(AdminStore.redact(server)) + "': " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if ((!scheme.equals("http") && !scheme.equals("https")) || host == null) {
      throw new IllegalArgumentException(
          "invalid --server '"
              + Redact.safe(AdminStore.redact(server))
              + "': use http(s)://host:port");
    }
    if (uri.getRawUserInfo() != null) {
      // Never echoed: user info is where a password would be. The admin token is the credential.
      throw new IllegalArgumentException(
          "invalid --server: drop the user info (user:password@); remote mode authenticates with"
              + " the admin token");
    }
    if (scheme.equals("http") && !insecure && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "refusing to send the admin token in clear text to "
              + Redact.safe(server)
              + ": plain http is allowed only for a server on this machine (127.0.0.0/8, [::1],"
              + " localhost). Use https://, or add --insecure to send it anyway");
    }
    String text = uri.toString();
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }

  /**
   * True for exactly {@code localhost} and IP-literal loopback addresses (127.0.0.0/8, ::1, and
   * their IPv4-mapped forms); a host name is never resolved.
   */
  public static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      return IpAddress.parse(literal).toInetAddress().isLoopbackAddress();
    } catch (IllegalArgumentException notAnIpLiteral) {
      return false;
    }
  }

  /** The server this talks to. */
  public URI server() {
    return base;
  }

  /** True when the admin token goes over plain http to a host that is not loopback. */
  public boolean sendsTokenInClearText() {
    return base.getScheme().equalsIgnoreCase("http") && !isLoopback(base.getHost());
  }

  @Override
  public CreatedTokenView createToken(TokenRequest request) {
    return CreatedTokenView.fromJson(call("POST", "/tokens", request.toJson()));
  }

  @Override
  public TokenView importToken(String token, boolean readOnly, String name) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("readOnly", readOnly);
    body.put("name", name);
    return TokenView.fromJson(call("POST", "/tokens/import", body));
  }

  @Override
  public List<TokenView> tokens() {
    return Json.objects(call("GET", "/tokens", null), "tokens").stream()
        .map(TokenView::fromJson)
        .toList();
  }

  @Override
  public Optional<TokenView> revoke(String idOrToken) {
    try {
      return Optional.of(
          TokenView.fromJson(call("POST", "/tokens/revoke", Map.of("token", idOrToken))));
    } catch (AdminException e) {
      if (e.kind() == AdminException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public CreatedTokenView rotate(String id, Duration grace) {
    String path = "/tokens/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/rotate";
    return CreatedTokenView.fromJson(call("POST", path, Map.of("grace", Durations.format(grace))));
  }

  @Override
  public LimitsView limits(String id) {
    return LimitsView.fromJson(call("GET", limitsPath(id), null));
  }

  @Override
  public LimitsView setLimits(String id, LimitsRequest request) {
    return LimitsView.fromJson(call("PUT", limitsPath(id), request.toJson()));
  }

  @Override
  public List<LimitsView> allLimits() {
    return Json.objects(call("GET", "/tokens/limits", null), "limits").stream()
        .map(LimitsView::fromJson)
        .toList();
  }

  private static String limitsPath(String id) {
    return "/tokens/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/limits";
  }

  @Override
  public List<SpaceView> spaces() {
    return Json.objects(call("GET", "/spaces", null), "spaces").stream()
        .map(SpaceView::fromJson)
        .toList();
  }

  @Override
  public SpaceView addSpace(String name) {
    return SpaceView.fromJson(call("POST", "/spaces", Map.of("name", name)));
  }

  @Override
  public SpaceView removeSpace(String name) {
    return SpaceView.fromJson(call("POST", "/spaces/remove", Map.of("name", name)));
  }

  @Override
  public SpaceConfig settings() {
    return SpaceConfig.fromJson(call("GET", "/settings", null));
  }

  @Override
  public SpaceConfig setIssuer(SpaceConfig.Issuer issuer) {
    String path = issuer.jwksUrl() != null ? "/jwks" : "/jwt-secret";
    return SpaceConfig.fromJson(call("PUT", path, issuer.toJson(true)));
  }

  @Override
  public SpaceConfig removeIssuer(String issuer) {
    return SpaceConfig.fromJson(call("POST", "/issuers/remove", Map.of("issuer", issuer)));
  }

  @Override
  public SpaceConfig allow(List<String> cidrs) {
    return SpaceConfig.fromJson(call("POST", "/whitelist", Map.of("cidrs", cidrs)));
  }

  @Override
  public SpaceConfig removeAllowed(List<String> cidrs) {
    return SpaceConfig.fromJson(call("POST", "/whitelist/remove", Map.of("cidrs", cidrs)));
  }

  @Override
  public SpaceConfig deny(List<String> cidrs) {
    return SpaceConfig.fromJson(call("POST", "/denylist", Map.of("cidrs", cidrs)));
  }

  @Override
  public SpaceConfig removeDenied(List<String> cidrs) {
    return SpaceConfig.fromJson(call("POST", "/denylist/remove", Map.of("cidrs", cidrs)));
  }

  @Override
  public SpaceConfig trustProxies(SpaceConfig.Proxies proxies) {
    return SpaceConfig.fromJson(call("PUT", "/trusted-proxies", proxies.toJson()));
  }

  @Override
  public SpaceConfig throttle(ThrottleChange change) {
    return SpaceConfig.fromJson(call("PUT", "/throttle", change.toJson()));
  }

  @Override
  public SpaceConfig browsers(boolean allowed) {
    return SpaceConfig.fromJson(
        call("PUT", "/browsers", new java.util.LinkedHashMap<>(Map.of("allowed", allowed))));
  }

  @Override
  public CheckResult check(CheckRequest request) {
    return CheckResult.fromJson(call("POST", "/check", request.toJson()));
  }

  @Override
  public List<AuditEntry> audit(Instant since) {
    String query = "?since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8);
    return Json.objects(call("GET", "/audit" + query, null), "entries").stream()
        .map(AuditEntry::fromJson)
        .toList();
  }

  @Override
  public AuditLog.Verification verifyAudit() {
    Map<String, Object> answer = call("GET", "/audit?verify=true&entries=false", null);
    return AuditLog.Verification.fromJson(Json.object(answer, "verification"));
  }

  @Override
  public void close() {
    // The JDK client on Java 17 has no close(); its threads are daemons.
  }

  private Map<String, Object> call(String method, String path, @Nullable Map<String, ?> body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + AdminServlet.PREFIX + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + adminToken)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw AdminException.unavailable("server unreachable at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AdminException.unavailable("interrupted while calling " + base, e);
    }
    Map<String, Object> json;
    try {
      json = Json.parse(response.body());
    } catch (IllegalArgumentException e) {
      throw AdminException.unavailable(
          "unexpected answer from " + base + " (HTTP " + response.statusCode() + ")", e);
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return json;
    }
    String message = describeError(json, status);
    if (status == 401 || status == 403) {
      throw new PermissionDenied("the server refused the admin token: " + message);
    }
    if (status == 404) {
      throw AdminException.notFound(message);
    }
    if (status == 409) {
      throw new AdminException(AdminException.Kind.CONFLICT, message);
    }
    if (status == 400) {
      throw new IllegalArgumentException(message);
    }
    throw new AdminException(
        AdminException.Kind.UNAVAILABLE, "server error (HTTP " + status + "): " + message);
  }

  private static String describeError(Map<String, Object> json, int status) {
    Object error = json.get("error");
    if (error instanceof String text) {
      return text;
    }
    Object detail = json.get("detail"); // a problem+json refusal
    Object code = json.get("code");
    if (detail instanceof String text) {
      return (code instanceof String c ? c + ": " : "") + text;
    }
    return "HTTP " + status;
  }
}
