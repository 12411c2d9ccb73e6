package io.gatehouse.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the management commands do, on a store ({@link LocalManagement}) or through a running
 * server's admin API ({@link AdminClient}). Both return the same values, so every command prints
 * the same lines in either mode. Arguments that make no sense throw {@link
 * IllegalArgumentException}; an unreachable store or server throws {@link AdminException} of kind
 * {@code UNAVAILABLE}.
 */
public interface Management extends AutoCloseable {

  CreatedTokenView createToken(TokenRequest request);

  TokenView importToken(String token, boolean readOnly, String name);

  List<TokenView> tokens();

  /** Empty when there is no such token in the space. */
  Optional<TokenView> revoke(String idOrToken);

  CreatedTokenView rotate(String id, Duration grace);

  SpaceConfig settings();

  SpaceConfig setIssuer(SpaceConfig.Issuer issuer);

  SpaceConfig removeIssuer(String issuer);

  SpaceConfig allow(List<String> cidrs);

  SpaceConfig removeAllowed(List<String> cidrs);

  /** Denies these addresses or blocks; a deny entry wins over any allow entry. */
  SpaceConfig deny(List<String> cidrs);

  SpaceConfig removeDenied(List<String> cidrs);

  SpaceConfig trustProxies(SpaceConfig.Proxies proxies);

  /**
   * Changes the space's failed-credential throttle (a budget of refused credentials per client
   * address, or off: {@link io.gatehouse.core.CredentialThrottles}); the parts the change leaves
   * null keep their stored values, read under the same lock as the write. Needs {@code settings}.
   */
  SpaceConfig throttle(ThrottleChange change);

  /** Sets every part of the space's throttle to {@code policy}'s. Needs {@code settings}. */
  default SpaceConfig throttle(io.gatehouse.core.ThrottlePolicy policy) {
    return throttle(ThrottleChange.to(policy));
  }

  /**
   * Lets every token of the space be used from web pages ({@code true}), or only from the origins
   * each token lists (the default). Needs {@code settings}.
   */
  SpaceConfig browsers(boolean allowed);

  CheckResult check(CheckRequest request);

  /** The audit log's entries at or after {@code since}, oldest first (needs {@code audit}). */
  List<AuditEntry> audit(Instant since);

  /** Checks the audit log's whole hash chain (needs {@code audit}). */
  AuditLog.Verification verifyAudit();

  /**
   * The spaces the store declares (requests in any other space are refused), with what each holds.
   * Needs permission {@value AdminRules#MANAGE}: the names of every tenant are not for a token of
   * one.
   */
  List<SpaceView> spaces();

  /** Declares space {@code name} (idempotent). Needs {@value AdminRules#MANAGE}. */
  SpaceView addSpace(String name);

  /**
   * Removes space {@code name}: refused ({@link AdminException.Kind#CONFLICT}) while it has live
   * tokens or any setting, {@link AdminException.Kind#NOT_FOUND} when not declared. Needs {@value
   * AdminRules#MANAGE}.
   */
  SpaceView removeSpace(String name);

  /**
   * A declared space.
   *
   * @param name the space
   * @param liveTokens its API and admin tokens neither revoked nor expired
   * @param hasSettings whether it has any issuer, address rule or trusted proxy
   */
  record SpaceView(String name, int liveTokens, boolean hasSettings) {
    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("name", name);
      map.put("liveTokens", (long) liveTokens);
      map.put("hasSettings", hasSettings);
      return map;
    }

    public static SpaceView fromJson(Map<String, Object> map) {
      return new SpaceView(
          Json.string(map, "name"),
          (int) Json.number(map, "liveTokens", 0),
          Json.bool(map, "hasSettings"));
    }
  }

  /** The id under which the limits operations name a space's default limits. */
  String SPACE_DEFAULT = "default";

  /**
   * The usage limits of token {@code id} ({@value #SPACE_DEFAULT}: the space's default) and the
   * credits it has left. Needs {@value AdminRules#TOKENS}.
   */
  LimitsView limits(String id);

  /**
   * Sets the given parts of the usage limits of token {@code id} ({@value #SPACE_DEFAULT}: the
   * space's default), keeping the others; {@code clear} drops every part first. Setting uses or a
   * refill grants the credits anew. Needs {@value AdminRules#TOKENS} (and, on an admin token, every
   * permission it holds); audited.
   */
  LimitsView setLimits(String id, LimitsRequest request);

  /**
   * The space's default and every token with limits of its own. Needs {@value AdminRules#TOKENS}.
   */
  List<LimitsView> allLimits();

  @Override
  void close();

  /**
   * A change of limits, in the command line's syntax; null parts are kept.
   *
   * @param rate rate limits, {@code 100/1m} or {@code 10/1s,1000/1h}
   * @param uses credits, a whole number
   * @param refill {@code 1000/30d}
   * @param clear drop the current limits first (alone: no limits)
   */
  record LimitsRequest(
      @Nullable String rate, @Nullable String uses, @Nullable String refill, boolean clear) {

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("rate", rate);
      map.put("uses", uses);
      map.put("refill", refill);
      map.put("clear", clear);
      return map;
    }

    public static LimitsRequest fromJson(Map<String, Object> map) {
      Object uses = map.get("uses");
      return new LimitsRequest(
          Json.optString(map, "rate"),
          uses instanceof Number n ? Long.toString(n.longValue()) : Json.optString(map, "uses"),
          Json.optString(map, "refill"),
          Json.bool(map, "clear"));
    }

    /** For the audit log: the parts given. */
    String describe() {
      List<String> parts = new java.util.ArrayList<>();
      if (clear) {
        parts.add("clear");
      }
      if (rate != null) {
        parts.add("rate " + io.gatehouse.core.Redact.safe(rate));
      }
      if (uses != null) {
        parts.add("uses " + io.gatehouse.core.Redact.safe(uses));
      }
      if (refill != null) {
        parts.add("refill " + io.gatehouse.core.Redact.safe(refill));
      }
      return String.join(", ", parts);
    }
  }

  /**
   * A token's usage limits (or the space's default).
   *
   * @param token the token's id, or {@value #SPACE_DEFAULT}
   * @param rate its rate limits ({@code 10/1s,1000/1h}), or null
   * @param uses the credits granted, or null for no credit limit
   * @param refill the refill ({@code 1000/30d}), or null
   * @param remaining the credits left now, or null without a credit limit
   * @param inherited true when the token has none of its own and the space's default applies
   */
  record LimitsView(
      String token,
      @Nullable String rate,
      @Nullable Long uses,
      @Nullable String refill,
      @Nullable Long remaining,
      boolean inherited) {

    /** {@code rate 100/1m, uses 1000 (412 left), refill 1000/30d}, or {@code none}. */
    public String summary() {
      List<String> parts = new java.util.ArrayList<>();
      if (rate != null) {
        parts.add("rate " + rate);
      }
      if (uses != null) {
        parts.add("uses " + uses + (remaining == null ? "" : " (" + remaining + " left)"));
      }
      if (refill != null) {
        parts.add("refill " + refill);
      }
      String text = parts.isEmpty() ? "none" : String.join(", ", parts);
      return inherited ? text + " (the space's default)" : text;
    }

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("token", token);
      map.put("rate", rate);
      map.put("uses", uses);
      map.put("refill", refill);
      map.put("remaining", remaining);
      map.put("inherited", inherited);
      return map;
    }

    public static LimitsView fromJson(Map<String, Object> map) {
      return new LimitsView(
          Json.string(map, "token"),
          Json.optString(map, "rate"),
          map.get("uses") instanceof Number n ? n.longValue() : null,
          Json.optString(map, "refill"),
          map.get("remaining") instanceof Number n ? n.longValue() : null,
          Json.bool(map, "inherited"));
    }
  }

  /**
   * A token to create.
   *
   * @param admin an admin token rather than an API token
   * @param readOnly READ access (API tokens)
   * @param name a label
   * @param team the owning team (admin tokens), or null
   * @param permissions admin operations granted
   * @param expiresIn lifetime, or null for none
   * @param origins web origins whose pages may use the token (none by default)
   */
  record TokenRequest(
      boolean admin,
      boolean readOnly,
      String name,
      @Nullable String team,
      List<String> permissions,
      @Nullable Duration expiresIn,
      List<String> origins) {

    public TokenRequest {
      permissions = List.copyOf(permissions);
      origins = List.copyOf(origins);
    }

    /** A token usable from no web page. */
    public TokenRequest(
        boolean admin,
        boolean readOnly,
        String name,
        @Nullable String team,
        List<String> permissions,
        @Nullable Duration expiresIn) {
      this(admin, readOnly, name, team, permissions, expiresIn, List.of());
    }

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("kind", admin ? "admin" : "api");
      map.put("readOnly", readOnly);
      map.put("name", name);
      if (team != null) {
        map.put("team", team);
      }
      map.put("permissions", permissions);
      if (expiresIn != null) {
        map.put("expiresIn", Durations.format(expiresIn));
      }
      if (!origins.isEmpty()) {
        map.put("origins", origins);
      }
      return map;
    }

    public static TokenRequest fromJson(Map<String, Object> map) {
      String kind = Json.optString(map, "kind");
      if (kind != null && !kind.equals("api") && !kind.equals("admin")) {
        throw new IllegalArgumentException("'kind' must be api or admin, was '" + kind + "'");
      }
      String expires = Json.optString(map, "expiresIn");
      String name = Json.optString(map, "name");
      return new TokenRequest(
          "admin".equals(kind),
          Json.bool(map, "readOnly"),
          name == null ? "" : name,
          Json.optString(map, "team"),
          Json.strings(map, "permissions"),
          expires == null ? null : Durations.parse(expires),
          Json.strings(map, "origins"));
    }
  }

  /** What may be shown of a token: never its secret. */
  record TokenView(
      String id,
      String space,
      String kind,
      String masked,
      String access,
      String name,
      @Nullable String owner,
      List<String> permissions,
      Instant createdAt,
      @Nullable Instant lastUsedAt,
      @Nullable Instant expiresAt,
      @Nullable Instant previousValidUntil,
      String status,
      List<String> origins) {

    public TokenView {
      permissions = List.copyOf(permissions);
      origins = List.copyOf(origins);
    }

    /** A token usable from no web page. */
    public TokenView(
        String id,
        String space,
        String kind,
        String masked,
        String access,
        String name,
        @Nullable String owner,
        List<String> permissions,
        Instant createdAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant expiresAt,
        @Nullable Instant previousValidUntil,
        String status) {
      this(
          id,
          space,
          kind,
          masked,
          access,
          name,
          owner,
          permissions,
          createdAt,
          lastUsedAt,
          expiresAt,
          previousValidUntil,
          status,
          List.of());
    }

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("id", id);
      map.put("space", space);
      map.put("kind", kind);
      map.put("masked", masked);
      map.put("access", access);
      map.put("name", name);
      map.put("owner", owner);
      map.put("permissions", permissions);
      map.put("createdAt", createdAt.toString());
      map.put("lastUsedAt", text(lastUsedAt));
      map.put("expiresAt", text(expiresAt));
      map.put("previousValidUntil", text(previousValidUntil));
      map.put("status", status);
      map.put("origins", origins);
      return map;
    }

    public static TokenView fromJson(Map<String, Object> map) {
      return new TokenView(
          Json.string(map, "id"),
          Json.string(map, "space"),
          Json.string(map, "kind"),
          Json.string(map, "masked"),
          Json.string(map, "access"),
          Json.string(map, "name"),
          Json.optString(map, "owner"),
          Json.strings(map, "permissions"),
          Instant.parse(Json.string(map, "createdAt")),
          instant(Json.optString(map, "lastUsedAt")),
          instant(Json.optString(map, "expiresAt")),
          instant(Json.optString(map, "previousValidUntil")),
          Json.string(map, "status"),
          Json.strings(map, "origins"));
    }

    private static @Nullable String text(@Nullable Instant at) {
      return at == null ? null : at.toString();
    }

    private static @Nullable Instant instant(@Nullable String text) {
      return text == null ? null : Instant.parse(text);
    }
  }

  /** A token just created or rotated: the only time its text is shown. */
  record CreatedTokenView(String token, TokenView info) {
    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("token", token);
      map.put("info", info.toJson());
      return map;
    }

    public static CreatedTokenView fromJson(Map<String, Object> map) {
      return new CreatedTokenView(
          Json.string(map, "token"), TokenView.fromJson(Json.object(map, "info")));
    }

    @Override
    public String toString() {
      return "CreatedTokenView[" + info.id() + "]"; // never the token
    }
  }

  /**
   * A dry-run request.
   *
   * @param method HTTP method
   * @param path request path
   * @param headers header lines {@code Name: value}
   * @param ip the socket peer, or null for 127.0.0.1
   */
  record CheckRequest(String method, String path, List<String> headers, @Nullable String ip) {
    public CheckRequest {
      headers = List.copyOf(headers);
    }

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("method", method);
      map.put("path", path);
      map.put("headers", headers);
      map.put("ip", ip);
      return map;
    }

    public static CheckRequest fromJson(Map<String, Object> map) {
      return new CheckRequest(
          Json.string(map, "method"),
          Json.string(map, "path"),
          Json.strings(map, "headers"),
          Json.optString(map, "ip"));
    }

    /** Header names only: their values are credentials. */
    @Override
    public String toString() {
      List<String> names =
          headers.stream()
              .map(line -> line.indexOf(':') < 0 ? "?" : line.substring(0, line.indexOf(':')))
              .map(name -> io.gatehouse.core.Redact.safe(name.strip()))
              .toList();
      return "CheckRequest["
          + method
          + " "
          + io.gatehouse.core.Redact.safe(path)
          + ", headers="
          + names
          + ", ip="
          + ip
          + "]";
    }
  }

  /** A dry run's outcome: the decision and its explanation (no secret in it). */
  record CheckResult(boolean allowed, int status, String explain) {
    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("allowed", allowed);
      map.put("status", (long) status);
      map.put("explain", explain);
      return map;
    }

    public static CheckResult fromJson(Map<String, Object> map) {
      return new CheckResult(
          Json.bool(map, "allowed"),
          (int) Json.number(map, "status", 0),
          Json.string(map, "explain"));
    }
  }
}
