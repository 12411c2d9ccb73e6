package io.gatehouse.admin;

import io.gatehouse.core.Identity;
import io.gatehouse.core.Redact;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@value #PREFIX}, used by the CLI's remote mode and the console (JSON in and
 * out). The filter in front has already checked the admin token and the route's permission ({@link
 * Pipelines#adminPolicy()}); every operation acts on the admin token's space, on its behalf, and
 * checks {@link AdminRules} itself (403 when the caller may not: e.g. grant a permission it does
 * not hold).
 *
 * <pre>
 * GET    /tokens                    list
 * POST   /tokens                    create      {kind: api|admin, readOnly, name, team, permissions, expiresIn}
 * POST   /tokens/import             import      {token, readOnly, name}
 * POST   /tokens/revoke             revoke      {token: id or token text}
 * DELETE /tokens/{id}               revoke
 * POST   /tokens/{id}/rotate        rotate      {grace: "24h"}
 * GET    /tokens/limits             the space's default and every token's own usage limits
 * GET    /tokens/{id}/limits        a token's usage limits and credits left ({id} "default": the
 *                                   space's default)
 * PUT    /tokens/{id}/limits        set limits  {rate: "10/1s,1000/1h", uses, refill: "1000/30d",
 *                                               clear}
 * GET    /settings                  issuers (secrets as secretBits and secretFingerprint; a
 *                                   "warning" on any-audience or refused issuers), allowlist,
 *                                   denylist, trusted proxies
 * PUT    /jwks                      set issuer  {issuer, jwks, audiences | anyAudience, algorithms}
 * PUT    /jwt-secret                set issuer  {issuer, secret (base64url key bytes),
 *                                               audiences | anyAudience, algorithms}
 * POST   /issuers/remove            {issuer}
 * POST   /whitelist                 {cidrs}
 * POST   /whitelist/remove          {cidrs}
 * POST   /denylist                  {cidrs}     denied whatever the allowlist says
 * POST   /denylist/remove           {cidrs}
 * PUT    /trusted-proxies           {cidrs, hops}
 * PUT    /throttle                  {reset, enabled, failures, refill: "1/3s"}  failed-credential
 *                                   throttle per client address (absent fields keep their value,
 *                                   read under the update's lock)
 * PUT    /browsers                  {allowed}   let web pages use the space's tokens
 * POST   /check                     {method, path, headers, ip}
 * GET    /audit?since=24h&amp;verify=true  the audit log's entries since then (a duration back from
 *                                   now, or an ISO instant; default 24h) as "entries", and with
 *                                   verify=true the chain's check as "verification";
 *                                   entries=false leaves the entries out
 * GET    /spaces                    the store's declared spaces (permission manage)
 * POST   /spaces                    declare     {name}
 * POST   /spaces/remove             remove      {name}  409 while it has live tokens or settings
 * </pre>
 *
 * Errors answer {@code {"status": n, "error": "..."}}: 400 bad argument, 403 not permitted, 404 not
 * found, 409 in use, 503 store unreachable.
 */
public final class AdminServlet extends HttpServlet {
  public static final String PREFIX = "/_admin/api";
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);
  private static final Pattern TOKEN_ID = Pattern.compile("/tokens/([^/]+)");
  private static final Pattern ROTATE = Pattern.compile("/tokens/([^/]+)/rotate");
  private static final Pattern LIMITS = Pattern.compile("/tokens/([^/]+)/limits");
  private static final Pattern SLASH = Pattern.compile("/");

  /** Longer path segments than this may be a token's text (ids are 10 characters). */
  private static final int LONGEST_LOGGED_SEGMENT = 16;

  private final transient BiFunction<String, Caller, Management> managementForSpace;
  private final transient Clock clock;

  /**
   * @param managementForSpace the operations in a space on behalf of a caller (the admin token);
   *     they check the caller's permissions themselves
   */
  AdminServlet(BiFunction<String, Caller, Management> managementForSpace) {
    this(managementForSpace, Clock.systemUTC());
  }

  /**
   * @param clock what {@code GET /audit?since=24h} counts back from
   */
  AdminServlet(BiFunction<String, Caller, Management> managementForSpace, Clock clock) {
    this.managementForSpace = managementForSpace;
    this.clock = clock;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Identity identity =
        Objects.requireNonNull(
            (Identity) request.getAttribute(GatehouseFilter.IDENTITY), "the filter sets it");
    String route =
        request.getMethod() + " " + Objects.requireNonNullElse(request.getPathInfo(), "/");
    Caller caller = Caller.of(identity, clientAddress(request));
    try (Management management = managementForSpace.apply(identity.space(), caller)) {
      Map<String, Object> result = route(route, request, management);
      if (result == null) {
        HttpJson.error(request, response, 404, "no such admin operation: " + Redact.safe(route));
      } else {
        HttpJson.send(request, response, route.equals("POST /tokens") ? 201 : 200, result);
      }
    } catch (PermissionDenied e) {
      LOG.info("admin operation {} refused: {}", loggable(route), e.getMessage());
      HttpJson.error(
          request, response, 403, Objects.requireNonNullElse(e.getMessage(), "forbidden"));
    } catch (AdminException e) {
      int status = e.kind().status();
      HttpJson.error(
          request, response, status, Objects.requireNonNullElse(e.getMessage(), "failed"));
    } catch (IllegalArgumentException | IllegalStateException e) {
      HttpJson.error(
          request, response, 400, Objects.requireNonNullElse(e.getMessage(), "bad request"));
    } catch (RuntimeException e) {
      LOG.warn("admin operation {} failed", loggable(route), e);
      HttpJson.error(request, response, 500, "internal error");
    }
  }

  /**
   * The route for a log line. {@code DELETE /tokens/{x}} and {@code POST /tokens/{x}/rotate} take a
   * token's id or its whole text, so any long segment is cut to a short prefix.
   */
  static String loggable(String route) {
    String[] segments = SLASH.split(route, -1);
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].length() > LONGEST_LOGGED_SEGMENT) {
        segments[i] = Redact.secret(segments[i]);
      }
    }
    return Redact.safe(String.join("/", segments));
  }

  /** The client address the filter resolved (after the space's trusted proxies). */
  static String clientAddress(HttpServletRequest request) {
    Object resolved = request.getAttribute(GatehouseFilter.CLIENT_ADDRESS);
    if (resolved instanceof InetAddress address) {
      return address.getHostAddress();
    }
    String peer = request.getRemoteAddr();
    return peer == null ? Caller.UNKNOWN_ADDRESS : Redact.safe(peer);
  }

  private Map<String, Object> audit(HttpServletRequest request, Management management) {
    String since = request.getParameter("since");
    Map<String, Object> answer = new LinkedHashMap<>();
    if (!"false".equals(request.getParameter("entries"))) {
      Instant from = since(since == null ? "24h" : since);
      answer.put("entries", management.audit(from).stream().map(AuditEntry::toJson).toList());
    }
    if ("true".equals(request.getParameter("verify"))) {
      answer.put("verification", management.verifyAudit().toJson());
    }
    return answer;
  }

  /** {@code 24h} (back from now) or an ISO instant. */
  private Instant since(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      return clock.instant().minus(Durations.parse(text));
    }
  }

  private @Nullable Map<String, Object> route(
      String route, HttpServletRequest request, Management management) throws IOException {
    switch (route) {
      case "GET /tokens" -> {
        return Map.of(
            "tokens", management.tokens().stream().map(Management.TokenView::toJson).toList());
      }
      case "POST /tokens" -> {
        return management.createToken(Management.TokenRequest.fromJson(body(request))).toJson();
      }
      case "POST /tokens/import" -> {
        Map<String, Object> body = body(request);
        String name = Json.optString(body, "name");
        return management
            .importToken(
                Json.string(body, "token"), Json.bool(body, "readOnly"), name == null ? "" : name)
            .toJson();
      }
      case "POST /tokens/revoke" -> {
        return revoked(management.revoke(Json.string(body(request), "token")));
      }
      case "GET /settings" -> {
        return management.settings().toJson(false);
      }
      case "PUT /jwks", "PUT /jwt-secret" -> {
        SpaceConfig.Issuer issuer = SpaceConfig.Issuer.fromJson(body(request));
        if (route.endsWith("/jwks") ? issuer.jwksUrl() == null : issuer.secret() == null) {
          throw new IllegalArgumentException(
              route.endsWith("/jwks") ? "'jwks' (the URL) is required" : "'secret' is required");
        }
        return management.setIssuer(issuer).toJson(false);
      }
      case "POST /issuers/remove" -> {
        return management.removeIssuer(Json.string(body(request), "issuer")).toJson(false);
      }
      case "POST /whitelist" -> {
        return management.allow(cidrs(body(request))).toJson(false);
      }
      case "POST /whitelist/remove" -> {
        return management.removeAllowed(cidrs(body(request))).toJson(false);
      }
      case "POST /denylist" -> {
        return management.deny(cidrs(body(request))).toJson(false);
      }
      case "POST /denylist/remove" -> {
        return management.removeDenied(cidrs(body(request))).toJson(false);
      }
      case "PUT /trusted-proxies" -> {
        return management.trustProxies(SpaceConfig.Proxies.fromJson(body(request))).toJson(false);
      }
      case "PUT /throttle" -> {
        return management.throttle(ThrottleChange.fromJson(body(request))).toJson(false);
      }
      case "PUT /browsers" -> {
        Map<String, Object> body = body(request);
        if (!(body.get("allowed") instanceof Boolean)) {
          throw new IllegalArgumentException("'allowed' must be true or false");
        }
        return management.browsers(Json.bool(body, "allowed")).toJson(false);
      }
      case "GET /audit" -> {
        return audit(request, management);
      }
      case "GET /tokens/limits" -> {
        return Map.of(
            "limits", management.allLimits().stream().map(Management.LimitsView::toJson).toList());
      }
      case "GET /spaces" -> {
        return Map.of(
            "spaces", management.spaces().stream().map(Management.SpaceView::toJson).toList());
      }
      case "POST /spaces" -> {
        return management.addSpace(Json.string(body(request), "name")).toJson();
      }
      case "POST /spaces/remove" -> {
        return management.removeSpace(Json.string(body(request), "name")).toJson();
      }
      case "POST /check" -> {
        return management.check(Management.CheckRequest.fromJson(body(request))).toJson();
      }
      default -> {
        return dynamicRoute(route, request, management);
      }
    }
  }

  private static @Nullable Map<String, Object> dynamicRoute(
      String route, HttpServletRequest request, Management management) throws IOException {
    Matcher rotate = ROTATE.matcher(route.substring(route.indexOf(' ') + 1));
    if (route.startsWith("POST ") && rotate.matches()) {
      String grace = Json.optString(body(request), "grace");
      return management
          .rotate(rotate.group(1), grace == null ? java.time.Duration.ZERO : Durations.parse(grace))
          .toJson();
    }
    Matcher limits = LIMITS.matcher(route.substring(route.indexOf(' ') + 1));
    if (limits.matches() && route.startsWith("GET ")) {
      return management.limits(limits.group(1)).toJson();
    }
    if (limits.matches() && route.startsWith("PUT ")) {
      return management
          .setLimits(limits.group(1), Management.LimitsRequest.fromJson(body(request)))
          .toJson();
    }
    Matcher id = TOKEN_ID.matcher(route.substring(route.indexOf(' ') + 1));
    if (route.startsWith("DELETE ") && id.matches()) {
      return revoked(management.revoke(id.group(1)));
    }
    return null;
  }

  private static Map<String, Object> revoked(Optional<Management.TokenView> revoked) {
    return revoked
        .map(Management.TokenView::toJson)
        .orElseThrow(() -> AdminException.notFound("no such token in this space"));
  }

  private static List<String> cidrs(Map<String, Object> body) {
    List<String> cidrs = Json.strings(body, "cidrs");
    if (cidrs.isEmpty()) {
      throw new IllegalArgumentException("'cidrs' must list at least one address or CIDR");
    }
    return cidrs;
  }

  private static Map<String, Object> body(HttpServletRequest request) throws IOException {
    return new LinkedHashMap<>(Json.parse(HttpJson.body(request)));
  }
}
