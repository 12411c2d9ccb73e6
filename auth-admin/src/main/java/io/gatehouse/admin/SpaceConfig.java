package io.gatehouse.admin;

import io.gatehouse.core.Settings;
import io.gatehouse.core.ThrottlePolicy;
import io.gatehouse.ipfilter.Cidr;
import io.gatehouse.ipfilter.IpFilter;
import io.gatehouse.ipfilter.IpRules;
import io.gatehouse.ipfilter.TrustedProxies;
import io.gatehouse.jwks.IssuerConfig;
import io.gatehouse.jwks.Issuers;
import io.gatehouse.jwks.JwtSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one space as stored: JWT issuers (JWKS URL or HS secret), the IP allowlist and
 * the trusted proxies. Every value is validated when the config is made, so what is stored always
 * builds into the module types ({@link #applyTo}).
 *
 * @param space the space
 * @param issuers trusted JWT issuers
 * @param allow allowlisted CIDRs, normalised; empty means every address may connect
 * @param deny denied CIDRs, normalised; an address in one is refused whatever the allowlist says
 * @param proxies trusted proxies
 * @param protections the failed-credential throttle and the browser rule
 */
public record SpaceConfig(
    String space,
    List<Issuer> issuers,
    List<String> allow,
    List<String> deny,
    Proxies proxies,
    Protections protections) {

  public SpaceConfig {
    Objects.requireNonNull(protections, "protections");
    Settings.requireValidSpace(space);
    issuers = List.copyOf(issuers);
    allow = normalise(allow);
    deny = normalise(deny);
    Objects.requireNonNull(proxies, "proxies");
    Set<String> names = new HashSet<>();
    for (Issuer issuer : issuers) {
      if (!names.add(issuer.issuer())) {
        throw new IllegalArgumentException("issuer '" + issuer.issuer() + "' is configured twice");
      }
    }
  }

  /** A config with the default protections. */
  public SpaceConfig(
      String space, List<Issuer> issuers, List<String> allow, List<String> deny, Proxies proxies) {
    this(space, issuers, allow, deny, proxies, Protections.DEFAULT);
  }

  public static SpaceConfig empty(String space) {
    return new SpaceConfig(space, List.of(), List.of(), List.of(), Proxies.NONE);
  }

  public SpaceConfig withProtections(Protections next) {
    return new SpaceConfig(space, issuers, allow, deny, proxies, next);
  }

  /**
   * Adds or replaces an issuer. Only complete entries are written: an audience (or the explicit
   * any-audience opt-out) and the secret itself, not a server's description of one.
   */
  public SpaceConfig withIssuer(Issuer issuer) {
    if (issuer.audienceMissing()) {
      throw new IllegalArgumentException(
          "issuer '"
              + issuer.issuer()
              + "' needs an audience: give --audience AUD (\"audiences\" in the admin API), or"
              + " --any-audience (\"anyAudience\": true) to accept tokens the IdP minted for any"
              + " client");
    }
    if (issuer.jwksUrl() == null && issuer.secret() == null) {
      throw new IllegalArgumentException(
          "issuer '" + issuer.issuer() + "' needs a JWKS URL or a secret");
    }
    List<Issuer> next = new ArrayList<>();
    for (Issuer existing : issuers) {
      if (!existing.issuer().equals(issuer.issuer())) {
        next.add(existing);
      }
    }
    next.add(issuer);
    return new SpaceConfig(space, next, allow, deny, proxies, protections);
  }

  public SpaceConfig withoutIssuer(String iss) {
    List<Issuer> next = issuers.stream().filter(i -> !i.issuer().equals(iss)).toList();
    if (next.size() == issuers.size()) {
      throw AdminException.notFound("no issuer '" + iss + "' in space '" + space + "'");
    }
    return new SpaceConfig(space, next, allow, deny, proxies, protections);
  }

  public SpaceConfig withAllowed(List<String> cidrs) {
    return new SpaceConfig(space, issuers, plus(allow, cidrs), deny, proxies, protections);
  }

  public SpaceConfig withoutAllowed(List<String> cidrs) {
    return new SpaceConfig(
        space, issuers, minus(allow, cidrs, "allowlist"), deny, proxies, protections);
  }

  public SpaceConfig withDenied(List<String> cidrs) {
    return new SpaceConfig(space, issuers, allow, plus(deny, cidrs), proxies, protections);
  }

  public SpaceConfig withoutDenied(List<String> cidrs) {
    return new SpaceConfig(
        space, issuers, allow, minus(deny, cidrs, "denylist"), proxies, protections);
  }

  private static List<String> plus(List<String> list, List<String> cidrs) {
    List<String> next = new ArrayList<>(list);
    next.addAll(cidrs);
    return next;
  }

  /** {@code list} without {@code cidrs}; each must be in it (else not found, naming the list). */
  private List<String> minus(List<String> list, List<String> cidrs, String listName) {
    List<String> removed = normalise(cidrs);
    for (String cidr : removed) {
      if (!list.contains(cidr)) {
        throw AdminException.notFound(
            cidr + " is not in the " + listName + " of space '" + space + "'");
      }
    }
    return list.stream().filter(c -> !removed.contains(c)).toList();
  }

  public SpaceConfig withProxies(Proxies next) {
    return new SpaceConfig(space, issuers, allow, deny, next, protections);
  }

  /** {@code settings} with this space's keys replaced by this config's values. */
  public Settings applyTo(Settings settings) {
    Settings out = settings;
    Issuers configured = Issuers.NONE;
    for (Issuer issuer : issuers) {
      // An entry stored without an audience by an older gatehouse is refused, visibly (trace,
      // listings, console), until an operator sets one: never silently "any audience".
      configured =
          issuer.audienceMissing()
              ? configured.refusing(issuer.issuer(), issuer.refusal())
              : configured.with(issuer.toConfig());
    }
    out =
        configured.isEmpty()
            ? out.without(space, JwtSettings.ISSUERS)
            : out.with(space, JwtSettings.ISSUERS, configured);
    IpRules rules = ipRules();
    out =
        rules.isEmpty()
            ? out.without(space, IpFilter.RULES)
            : out.with(space, IpFilter.RULES, rules);
    TrustedProxies trusted = proxies.toTrustedProxies();
    out =
        trusted.isNone()
            ? out.without(space, IpFilter.PROXIES)
            : out.with(space, IpFilter.PROXIES, trusted);
    return protections.applyTo(out, space);
  }

  /**
   * The allow and deny entries as the library's rules, where a deny entry always wins. The library
   * lets the most specific rule decide, so an allow entry inside (or equal to) a deny entry is left
   * out; when that leaves none of a non-empty allowlist, every address is denied rather than the
   * allowlist silently vanishing (which would let every address in).
   */
  public IpRules ipRules() {
    List<Cidr> denied = deny.stream().map(Cidr::parse).toList();
    IpRules.Builder builder = IpRules.builder();
    denied.forEach(builder::deny);
    boolean anyAllowLeft = false;
    for (String entry : allow) {
      Cidr cidr = Cidr.parse(entry);
      if (denied.stream().noneMatch(d -> d.contains(cidr))) {
        builder.allow(cidr);
        anyAllowLeft = true;
      }
    }
    if (!allow.isEmpty() && !anyAllowLeft) {
      builder.deny("0.0.0.0/0", "::/0");
    }
    return builder.build();
  }

  /** Parses (strictly: no host bits, no DNS) and normalises CIDRs, dropping repeats. */
  public static List<String> normalise(List<String> cidrs) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String cidr : cidrs) {
      out.add(Cidr.parse(cidr.strip()).toString());
    }
    return List.copyOf(out);
  }

  /**
   * One trusted JWT issuer.
   *
   * @param issuer the exact {@code iss}
   * @param jwksUrl its JWKS URL, or null for an HS secret
   * @param secret the HS key bytes as base64url (or, stored by older versions, base64), or null for
   *     a JWKS URL or when a server listed the issuer without its secret; never printed
   * @param audiences accepted {@code aud} values; empty only with {@code anyAudience}, or in an
   *     entry stored by an older gatehouse, which is then refused until one is set
   * @param anyAudience the explicit opt-out: tokens minted for any audience are accepted
   * @param algorithms accepted algorithms (empty: the default)
   * @param secretInfo the secret's size and fingerprint: derived from {@code secret}, or as a
   *     server listed it
   */
  public record Issuer(
      String issuer,
      @Nullable String jwksUrl,
      @Nullable String secret,
      List<String> audiences,
      boolean anyAudience,
      List<String> algorithms,
      @Nullable SecretInfo secretInfo) {

    public Issuer {
      audiences = List.copyOf(audiences);
      algorithms = List.copyOf(algorithms);
      if (secret != null) {
        secretInfo = SecretInfo.of(decodeSecret(secret));
      } else if (jwksUrl == null && secretInfo == null) {
        throw new IllegalArgumentException("issuer '" + issuer + "' needs a JWKS URL or a secret");
      }
      if (jwksUrl != null || secret != null) {
        // Validates everything else; a missing audience is judged by withIssuer and applyTo.
        var unused =
            toConfig(
                issuer, jwksUrl, secret, audiences, anyAudience || audiences.isEmpty(), algorithms);
      }
    }

    public static Issuer jwks(
        String issuer,
        String url,
        List<String> audiences,
        boolean anyAudience,
        List<String> algorithms) {
      return new Issuer(issuer, url, null, audiences, anyAudience, algorithms, null);
    }

    public static Issuer hmac(
        String issuer,
        byte[] key,
        List<String> audiences,
        boolean anyAudience,
        List<String> algorithms) {
      return new Issuer(
          issuer,
          null,
          java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key),
          audiences,
          anyAudience,
          algorithms,
          null);
    }

    /** Stored without an audience and without the explicit opt-out (by an older gatehouse). */
    public boolean audienceMissing() {
      return audiences.isEmpty() && !anyAudience;
    }

    /** Why an entry with no audience is refused, and how to fix it. */
    public String refusal() {
      return "it was stored without an audience (gatehouse before issue 11 accepted any); set one"
          + " with: gatehouse "
          + (jwksUrl != null ? "jwks " + jwksUrl : "jwt-secret --from-file F")
          + " --issuer "
          + issuer
          + " --audience AUD (or --any-audience)";
    }

    /** The key bytes of a stored secret: base64url, or base64 as older versions stored it. */
    private static byte[] decodeSecret(String secret) {
      String normal = secret.strip().replace('+', '-').replace('/', '_').replace("=", "");
      byte[] bytes;
      try {
        bytes = java.util.Base64.getUrlDecoder().decode(normal);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the HS secret is not base64 or base64url text", e);
      }
      if (bytes.length < IssuerConfig.MIN_HMAC_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "the HS secret must have at least 256 bits, had " + bytes.length * 8);
      }
      return bytes;
    }

    /** The library's configuration; not for an entry whose audience is missing. */
    public IssuerConfig toConfig() {
      if (audienceMissing()) {
        throw new IllegalStateException("issuer '" + issuer + "' is refused: " + refusal());
      }
      if (jwksUrl == null && secret == null) {
        throw new IllegalStateException("issuer '" + issuer + "': the server holds its secret");
      }
      return toConfig(issuer, jwksUrl, secret, audiences, anyAudience, algorithms);
    }

    private static IssuerConfig toConfig(
        String issuer,
        @Nullable String jwksUrl,
        @Nullable String secret,
        List<String> audiences,
        boolean anyAudience,
        List<String> algorithms) {
      IssuerConfig.Builder builder = IssuerConfig.builder(issuer);
      if (jwksUrl != null) {
        builder.jwksUrl(jwksUrl);
      }
      if (secret != null) {
        builder.hmacSecret(decodeSecret(secret));
      }
      if (!algorithms.isEmpty()) {
        builder.algorithms(algorithms);
      }
      audiences.forEach(builder::audience);
      if (anyAudience) {
        builder.anyAudience();
      }
      return builder.build();
    }

    /**
     * One line for listings; a secret shows as its size and fingerprint, never its value; an
     * any-audience or refused entry says so.
     */
    public String describe() {
      StringBuilder out = new StringBuilder(issuer).append("  ");
      if (jwksUrl != null) {
        out.append("jwks ").append(jwksUrl);
      } else {
        out.append("HS secret (").append(Objects.requireNonNull(secretInfo).describe()).append(")");
      }
      out.append("  algorithms ").append(describeAlgorithms());
      if (!audiences.isEmpty()) {
        out.append("  audience ").append(String.join(",", audiences));
      }
      String warning = warning();
      if (warning != null) {
        out.append("  WARNING: ").append(warning);
      }
      return out.toString();
    }

    private String describeAlgorithms() {
      if (!algorithms.isEmpty()) {
        return String.join(",", algorithms);
      }
      return jwksUrl != null ? "per key (RS256 without alg)" : "HS256";
    }

    /** What an operator must see in every listing, or null. */
    public @Nullable String warning() {
      if (anyAudience) {
        return "accepts tokens minted for ANY audience (--any-audience)";
      }
      if (audienceMissing()) {
        return "tokens are REFUSED: " + refusal();
      }
      return null;
    }

    public Map<String, Object> toJson(boolean withSecret) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("issuer", issuer);
      if (jwksUrl != null) {
        map.put("jwks", jwksUrl);
      }
      if (secret != null && withSecret) {
        map.put("secret", secret);
      } else if (secretInfo != null) {
        map.put("secretBits", (long) secretInfo.bits());
        map.put("secretFingerprint", secretInfo.fingerprint());
      }
      map.put("audiences", audiences);
      map.put("anyAudience", anyAudience);
      map.put("algorithms", algorithms);
      String warning = warning();
      if (!withSecret && warning != null) {
        map.put("warning", warning);
      }
      return map;
    }

    /** Reads {@link #toJson}: a stored entry, a request, or a server's listing (no secret). */
    public static Issuer fromJson(Map<String, Object> map) {
      String secret = Json.optString(map, "secret");
      String jwks = Json.optString(map, "jwks");
      SecretInfo listed = null;
      if (secret == null && jwks == null && map.containsKey("secretBits")) {
        String fingerprint = Json.optString(map, "secretFingerprint");
        listed =
            new SecretInfo(
                (int) Json.number(map, "secretBits", 0),
                fingerprint == null ? "unknown" : fingerprint);
      }
      return new Issuer(
          Json.string(map, "issuer"),
          jwks,
          secret,
          Json.strings(map, "audiences"),
          Json.bool(map, "anyAudience"),
          Json.strings(map, "algorithms"),
          listed);
    }

    /** Never the HS secret: whether there is one, and its length. */
    @Override
    public String toString() {
      return "Issuer[issuer="
          + issuer
          + ", jwksUrl="
          + jwksUrl
          + ", secret="
          + (secret == null ? "null" : "(hidden, " + secret.length() + " chars)")
          + ", audiences="
          + audiences
          + ", anyAudience="
          + anyAudience
          + ", algorithms="
          + algorithms
          + ", secretInfo="
          + secretInfo
          + "]";
    }
  }

  /**
   * What may be shown of an HS secret.
   *
   * @param bits its size
   * @param fingerprint {@link IssuerConfig#secretFingerprint}
   */
  public record SecretInfo(int bits, String fingerprint) {
    public static SecretInfo of(byte[] key) {
      return new SecretInfo(key.length * 8, IssuerConfig.secretFingerprint(key));
    }

    public String describe() {
      return bits + " bits, fingerprint " + fingerprint;
    }
  }

  /**
   * Trusted proxies: by CIDR, by hop count, or both (a hop count walked only when the socket peer
   * is in the CIDRs); neither means none.
   *
   * @param cidrs trusted proxy blocks, normalised
   * @param hops trusted hop count, or 0
   */
  public record Proxies(List<String> cidrs, int hops) {
    public static final Proxies NONE = new Proxies(List.of(), 0);

    public Proxies {
      cidrs = normalise(cidrs);
      if (hops < 0 || hops > 100) {
        throw new IllegalArgumentException("hops must be 1-100, was " + hops);
      }
    }

    public TrustedProxies toTrustedProxies() {
      if (cidrs.isEmpty() && hops == 0) {
        return TrustedProxies.NONE;
      }
      TrustedProxies.Builder builder = TrustedProxies.builder();
      if (hops > 0) {
        builder.hops(hops);
      }
      return builder.trust(cidrs.toArray(String[]::new)).build();
    }

    /** A hop count without CIDRs: any peer's header is believed, so a direct client can lie. */
    public boolean trustsAnyPeer() {
      return hops > 0 && cidrs.isEmpty();
    }

    public boolean isNone() {
      return cidrs.isEmpty() && hops == 0;
    }

    public String describe() {
      if (hops > 0) {
        return hops
            + (hops == 1 ? " hop" : " hops")
            + (cidrs.isEmpty() ? " from any peer" : " from " + String.join(", ", cidrs))
            + " (X-Forwarded-For)";
      }
      return cidrs.isEmpty() ? "none" : String.join(", ", cidrs) + " (X-Forwarded-For)";
    }

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("cidrs", cidrs);
      map.put("hops", hops);
      return map;
    }

    public static Proxies fromJson(Map<String, Object> map) {
      return new Proxies(Json.strings(map, "cidrs"), (int) Json.number(map, "hops", 0));
    }
  }

  public Map<String, Object> toJson(boolean withSecrets) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("space", space);
    map.put("issuers", issuers.stream().map(i -> i.toJson(withSecrets)).toList());
    map.put("allow", allow);
    map.put("deny", deny);
    map.put("proxies", proxies.toJson());
    map.put("throttle", Protections.throttleJson(protections.throttle()));
    map.put("browsersAllowed", protections.browsersAllowed());
    return map;
  }

  /** Reads what {@link #toJson} wrote; secrets may be absent (a server never sends them). */
  public static SpaceConfig fromJson(Map<String, Object> map) {
    List<Issuer> issuers = new ArrayList<>();
    for (Map<String, Object> issuer : Json.objects(map, "issuers")) {
      issuers.add(Issuer.fromJson(issuer));
    }
    return new SpaceConfig(
        Json.string(map, "space"),
        issuers,
        Json.strings(map, "allow"),
        Json.strings(map, "deny"), // absent in settings stored before denylists: none
        map.containsKey("proxies") ? Proxies.fromJson(Json.object(map, "proxies")) : Proxies.NONE,
        new Protections( // absent in settings stored before issue 14: the defaults
            map.containsKey("throttle")
                ? Protections.throttleFromJson(Json.object(map, "throttle"), ThrottlePolicy.DEFAULT)
                : ThrottlePolicy.DEFAULT,
            Json.bool(map, "browsersAllowed")));
  }
}
