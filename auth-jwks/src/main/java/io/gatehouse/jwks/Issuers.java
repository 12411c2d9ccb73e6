package io.gatehouse.jwks;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of trusted issuers, keyed by their exact {@code iss} value, and of issuers that
 * are configured but refused (with the reason a refused token's detail gives, e.g. a stored setting
 * that no longer validates), so an operator sees why instead of "not trusted".
 */
public final class Issuers {

  /** No issuer: every token is refused (or, as a setting, the static issuers apply). */
  public static final Issuers NONE = new Issuers(Map.of(), Map.of());

  private final Map<String, IssuerConfig> byIssuer;
  private final Map<String, String> refused;

  private Issuers(Map<String, IssuerConfig> byIssuer, Map<String, String> refused) {
    this.byIssuer = byIssuer;
    this.refused = refused;
  }

  public static Issuers of(IssuerConfig... issuers) {
    return of(List.of(issuers));
  }

  /** The issuers given; two with one {@code iss} value are a configuration error. */
  public static Issuers of(Collection<IssuerConfig> issuers) {
    Map<String, IssuerConfig> map = new LinkedHashMap<>();
    for (IssuerConfig issuer : issuers) {
      Objects.requireNonNull(issuer, "issuer");
      if (map.putIfAbsent(issuer.issuer(), issuer) != null) {
        throw new IllegalArgumentException("issuer '" + issuer.issuer() + "' is configured twice");
      }
    }
    return create(map, Map.of());
  }

  private static Issuers create(Map<String, IssuerConfig> byIssuer, Map<String, String> refused) {
    return byIssuer.isEmpty() && refused.isEmpty()
        ? NONE
        : new Issuers(
            Collections.unmodifiableMap(new LinkedHashMap<>(byIssuer)),
            Collections.unmodifiableMap(new LinkedHashMap<>(refused)));
  }

  /** The configuration for {@code iss}, or null when that issuer is not trusted. */
  public @Nullable IssuerConfig get(String iss) {
    return byIssuer.get(iss);
  }

  /** Why tokens of {@code iss} are refused although it is configured, or null. */
  public @Nullable String refusal(String iss) {
    return refused.get(iss);
  }

  /** A copy with {@code issuer} added or replacing the one with the same {@code iss}. */
  public Issuers with(IssuerConfig issuer) {
    Map<String, IssuerConfig> map = new LinkedHashMap<>(byIssuer);
    map.put(issuer.issuer(), issuer);
    Map<String, String> stillRefused = new LinkedHashMap<>(refused);
    stillRefused.remove(issuer.issuer());
    return create(map, stillRefused);
  }

  /**
   * A copy in which tokens of {@code iss} are refused (BAD_CLAIMS) with {@code reason} as the
   * detail, replacing a trusted issuer of that name.
   */
  public Issuers refusing(String iss, String reason) {
    if (iss.isBlank() || reason.isBlank()) {
      throw new IllegalArgumentException("a refused issuer needs a name and a reason");
    }
    Map<String, IssuerConfig> map = new LinkedHashMap<>(byIssuer);
    map.remove(iss);
    Map<String, String> nowRefused = new LinkedHashMap<>(refused);
    nowRefused.put(iss, reason);
    return create(map, nowRefused);
  }

  /** A copy without the issuer {@code iss}, trusted or refused. */
  public Issuers without(String iss) {
    Map<String, IssuerConfig> map = new LinkedHashMap<>(byIssuer);
    map.remove(iss);
    Map<String, String> stillRefused = new LinkedHashMap<>(refused);
    stillRefused.remove(iss);
    return create(map, stillRefused);
  }

  /** The trusted issuers. */
  public Collection<IssuerConfig> all() {
    return byIssuer.values();
  }

  /** The refused issuers and why, by {@code iss}. */
  public Map<String, String> refused() {
    return refused;
  }

  /** True when no issuer is configured, trusted or refused. */
  public boolean isEmpty() {
    return byIssuer.isEmpty() && refused.isEmpty();
  }

  @Override
  public String toString() {
    return "Issuers"
        + byIssuer.keySet()
        + (refused.isEmpty() ? "" : " refused " + refused.keySet());
  }
}
