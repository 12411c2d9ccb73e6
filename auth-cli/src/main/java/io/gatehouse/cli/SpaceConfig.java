package io.gatehouse.cli;

import io.gatehouse.core.Settings;
import io.gatehouse.ipfilter.Cidr;
import io.gatehouse.ipfilter.IpFilter;
import io.gatehouse.ipfilter.IpRules;
import io.gatehouse.ipfilter.TrustedProxies;
import io.gatehouse.jwks.IssuerConfig;
import io.gatehouse.jwks.Issuers;
import io.gatehouse.jwks.JwtSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one space as stored: JWT issuers (JWKS URL or HS secret), the IP allowlist and
 * the trusted proxies. Every value is validated when the config is made, so what is stored always
 * builds into the module types ({@link #applyTo}).
 *
 * @param space the space
 * @param issuers trusted JWT issuers
 * @param allow allowlisted CIDRs, normalised; empty means every address may connect
 * @param proxies trusted proxies
 */
record SpaceConfig(String space, List<Issuer> issuers, List<String> allow, Proxies proxies) {

  SpaceConfig {
    Settings.requireValidSpace(space);
    issuers = List.copyOf(issuers);
    allow = normalise(allow);
    Objects.requireNonNull(proxies, "proxies");
    var unused = Issuers.of(issuers.stream().map(Issuer::toConfig).toList()); // no duplicate iss
  }

  static SpaceConfig empty(String space) {
    return new SpaceConfig(space, List.of(), List.of(), Proxies.NONE);
  }

  SpaceConfig withIssuer(Issuer issuer) {
    List<Issuer> next = new ArrayList<>();
    for (Issuer existing : issuers) {
      if (!existing.issuer().equals(issuer.issuer())) {
        next.add(existing);
      }
    }
    next.add(issuer);
    return new SpaceConfig(space, next, allow, proxies);
  }

  SpaceConfig withoutIssuer(String iss) {
    List<Issuer> next = issuers.stream().filter(i -> !i.issuer().equals(iss)).toList();
    if (next.size() == issuers.size()) {
      throw CliException.notFound("no issuer '" + iss + "' in space '" + space + "'");
    }
    return new SpaceConfig(space, next, allow, proxies);
  }

  SpaceConfig withAllowed(List<String> cidrs) {
    List<String> next = new ArrayList<>(allow);
    next.addAll(cidrs);
    return new SpaceConfig(space, issuers, next, proxies);
  }

  SpaceConfig withoutAllowed(List<String> cidrs) {
    List<String> removed = normalise(cidrs);
    for (String cidr : removed) {
      if (!allow.contains(cidr)) {
        throw CliException.notFound(cidr + " is not in the allowlist of space '" + space + "'");
      }
    }
    List<String> next = allow.stream().filter(c -> !removed.contains(c)).toList();
    return new SpaceConfig(space, issuers, next, proxies);
  }

  SpaceConfig withProxies(Proxies next) {
    return new SpaceConfig(space, issuers, allow, next);
  }

  /** {@code settings} with this space's keys replaced by this config's values. */
  Settings applyTo(Settings settings) {
    Settings out = settings;
    out =
        issuers.isEmpty()
            ? out.without(space, JwtSettings.ISSUERS)
            : out.with(
                space,
                JwtSettings.ISSUERS,
                Issuers.of(issuers.stream().map(Issuer::toConfig).toList()));
    out =
        allow.isEmpty()
            ? out.without(space, IpFilter.RULES)
            : out.with(
                space,
                IpFilter.RULES,
                IpRules.builder().allow(allow.toArray(String[]::new)).build());
    TrustedProxies trusted = proxies.toTrustedProxies();
    out =
        trusted.isNone()
            ? out.without(space, IpFilter.PROXIES)
            : out.with(space, IpFilter.PROXIES, trusted);
    return out;
  }

  /** Parses (strictly: no host bits, no DNS) and normalises CIDRs, dropping repeats. */
  static List<String> normalise(List<String> cidrs) {
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
   * @param secret the HS secret as base64url, or null for a JWKS URL; never printed
   * @param audiences accepted {@code aud} values (empty: not checked)
   * @param algorithms accepted algorithms
   */
  record Issuer(
      String issuer,
      @Nullable String jwksUrl,
      @Nullable String secret,
      List<String> audiences,
      List<String> algorithms) {

    Issuer {
      audiences = List.copyOf(audiences);
      algorithms = List.copyOf(algorithms);
      if (secret != null) {
        requireSecretSize(secret);
      }
      var unused = toConfig(issuer, jwksUrl, secret, audiences, algorithms); // validates
    }

    /**
     * Decodes the secret here to name its size when it is too short: auth-jwks's base64 parser
     * reports every problem as "not valid base64".
     */
    private static void requireSecretSize(String secret) {
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
    }

    IssuerConfig toConfig() {
      return toConfig(issuer, jwksUrl, secret, audiences, algorithms);
    }

    private static IssuerConfig toConfig(
        String issuer,
        @Nullable String jwksUrl,
        @Nullable String secret,
        List<String> audiences,
        List<String> algorithms) {
      IssuerConfig.Builder builder = IssuerConfig.builder(issuer);
      if (jwksUrl != null) {
        builder.jwksUrl(jwksUrl);
      }
      if (secret != null) {
        builder.hmacSecretBase64(secret);
      }
      if (!algorithms.isEmpty()) {
        builder.algorithms(algorithms);
      }
      audiences.forEach(builder::audience);
      return builder.build();
    }

    /** One line for listings; a secret shows as {@code HS secret (n bits)}, never its value. */
    String describe() {
      StringBuilder out = new StringBuilder(issuer).append("  ");
      IssuerConfig config = toConfig();
      if (jwksUrl != null) {
        out.append("jwks ").append(jwksUrl);
      } else {
        int bits = Objects.requireNonNull(config.hmacSecret()).getEncoded().length * 8;
        out.append("HS secret (").append(bits).append(" bits)");
      }
      out.append("  algorithms ").append(String.join(",", config.algorithms()));
      if (!audiences.isEmpty()) {
        out.append("  audience ").append(String.join(",", audiences));
      }
      return out.toString();
    }

    Map<String, Object> toJson(boolean withSecret) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("issuer", issuer);
      if (jwksUrl != null) {
        map.put("jwks", jwksUrl);
      }
      if (secret != null) {
        if (withSecret) {
          map.put("secret", secret);
        } else {
          map.put(
              "secretBits",
              (long) Objects.requireNonNull(toConfig().hmacSecret()).getEncoded().length * 8);
        }
      }
      map.put("audiences", audiences);
      map.put("algorithms", algorithms);
      return map;
    }

    static Issuer fromJson(Map<String, Object> map) {
      return new Issuer(
          Json.string(map, "issuer"),
          Json.optString(map, "jwks"),
          Json.optString(map, "secret"),
          Json.strings(map, "audiences"),
          Json.strings(map, "algorithms"));
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
          + ", algorithms="
          + algorithms
          + "]";
    }
  }

  /**
   * Trusted proxies: by CIDR or by hop count; neither means none.
   *
   * @param cidrs trusted proxy blocks, normalised
   * @param hops trusted hop count, or 0
   */
  record Proxies(List<String> cidrs, int hops) {
    static final Proxies NONE = new Proxies(List.of(), 0);

    Proxies {
      cidrs = normalise(cidrs);
      if (!cidrs.isEmpty() && hops != 0) {
        throw new IllegalArgumentException("trust proxies by CIDR or by hop count, not both");
      }
      if (hops < 0 || hops > 100) {
        throw new IllegalArgumentException("hops must be 1-100, was " + hops);
      }
    }

    TrustedProxies toTrustedProxies() {
      if (cidrs.isEmpty() && hops == 0) {
        return TrustedProxies.NONE;
      }
      TrustedProxies.Builder builder = TrustedProxies.builder();
      if (hops > 0) {
        builder.hops(hops);
      } else {
        builder.trust(cidrs.toArray(String[]::new));
      }
      return builder.build();
    }

    boolean isNone() {
      return cidrs.isEmpty() && hops == 0;
    }

    String describe() {
      if (hops > 0) {
        return hops + (hops == 1 ? " hop" : " hops") + " (X-Forwarded-For)";
      }
      return cidrs.isEmpty() ? "none" : String.join(", ", cidrs) + " (X-Forwarded-For)";
    }

    Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("cidrs", cidrs);
      map.put("hops", hops);
      return map;
    }

    static Proxies fromJson(Map<String, Object> map) {
      return new Proxies(Json.strings(map, "cidrs"), (int) Json.number(map, "hops", 0));
    }
  }

  Map<String, Object> toJson(boolean withSecrets) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("space", space);
    map.put("issuers", issuers.stream().map(i -> i.toJson(withSecrets)).toList());
    map.put("allow", allow);
    map.put("proxies", proxies.toJson());
    return map;
  }

  /** Reads what {@link #toJson} wrote; secrets may be absent (a server never sends them). */
  static SpaceConfig fromJson(Map<String, Object> map) {
    List<Issuer> issuers = new ArrayList<>();
    for (Map<String, Object> issuer : Json.objects(map, "issuers")) {
      issuers.add(
          issuer.containsKey("jwks") || issuer.containsKey("secret")
              ? Issuer.fromJson(issuer)
              : Issuer.fromJson(withPlaceholderSecret(issuer)));
    }
    return new SpaceConfig(
        Json.string(map, "space"),
        issuers,
        Json.strings(map, "allow"),
        map.containsKey("proxies") ? Proxies.fromJson(Json.object(map, "proxies")) : Proxies.NONE);
  }

  /**
   * A server lists HS issuers with the secret's size only: zero bytes of that size stand for it, so
   * the record validates and prints the right size.
   */
  private static Map<String, Object> withPlaceholderSecret(Map<String, Object> issuer) {
    int bytes = (int) Math.min(1024, Math.max(32, Json.number(issuer, "secretBits", 256) / 8));
    Map<String, Object> copy = new LinkedHashMap<>(issuer);
    copy.put(
        "secret",
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[bytes]));
    return copy;
  }
}
