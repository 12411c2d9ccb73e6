package io.gatehouse.jwks;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An immutable set of trusted issuers, keyed by their exact {@code iss} value. */
public final class Issuers {

  /** No issuer: every token is refused (or, as a setting, the static issuers apply). */
  public static final Issuers NONE = new Issuers(Map.of());

  private final Map<String, IssuerConfig> byIssuer;

  private Issuers(Map<String, IssuerConfig> byIssuer) {
    this.byIssuer = byIssuer;
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
    return map.isEmpty() ? NONE : new Issuers(Collections.unmodifiableMap(map));
  }

  /** The configuration for {@code iss}, or null when that issuer is not trusted. */
  public @Nullable IssuerConfig get(String iss) {
    return byIssuer.get(iss);
  }

  /** A copy with {@code issuer} added or replacing the one with the same {@code iss}. */
  public Issuers with(IssuerConfig issuer) {
    Map<String, IssuerConfig> map = new LinkedHashMap<>(byIssuer);
    map.put(issuer.issuer(), issuer);
    return new Issuers(Collections.unmodifiableMap(map));
  }

  /** A copy without the issuer {@code iss}. */
  public Issuers without(String iss) {
    Map<String, IssuerConfig> map = new LinkedHashMap<>(byIssuer);
    map.remove(iss);
    return map.isEmpty() ? NONE : new Issuers(Collections.unmodifiableMap(map));
  }

  public Collection<IssuerConfig> all() {
    return byIssuer.values();
  }

  public boolean isEmpty() {
    return byIssuer.isEmpty();
  }

  @Override
  public String toString() {
    return "Issuers" + byIssuer.keySet();
  }
}
