package io.gatehouse.jwks;

import io.gatehouse.core.Redact;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * One trusted token issuer: where its keys come from and what its tokens must satisfy. Build with
 * {@link #builder(String)}; exactly one of a JWKS URL or an HMAC secret.
 *
 * @param issuer the exact {@code iss} value
 * @param jwksUrl where the issuer publishes its public keys (https, or http on a loopback host)
 * @param hmacSecret the shared secret for HS256/384/512; never printed
 * @param algorithms the JWS algorithms accepted from this issuer; empty for a JWKS issuer means
 *     each key's own declared {@code alg} (RS256 for a key that declares none)
 * @param audiences a token's {@code aud} must name one of them; empty only with {@code anyAudience}
 * @param anyAudience the explicit opt-out: tokens this issuer minted for any audience (another
 *     client's access tokens, its ID tokens) are accepted
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
 * @param maxLifetime when set, {@code exp - iat} may not exceed it (and {@code iat} is required)
 * @param requiredClaims claims every token must carry
 * @param claimMapping how claims become the identity
 */
public record IssuerConfig(
    String issuer,
    @Nullable URI jwksUrl,
    @Nullable SecretKey hmacSecret,
    Set<String> algorithms,
    Set<String> audiences,
    boolean anyAudience,
    Duration clockSkew,
    @Nullable Duration maxLifetime,
    Set<String> requiredClaims,
    ClaimMapping claimMapping) {

  /** The longest clock skew a configuration may allow. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** The default clock skew. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  /** The shortest HMAC secret accepted, in bytes (256 bits). */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  public IssuerConfig {
    Objects.requireNonNull(issuer, "issuer");
    algorithms = Collections.unmodifiableSet(new LinkedHashSet<>(algorithms));
    audiences = Collections.unmodifiableSet(new LinkedHashSet<>(audiences));
    requiredClaims = Collections.unmodifiableSet(new LinkedHashSet<>(requiredClaims));
    Objects.requireNonNull(clockSkew, "clockSkew");
    Objects.requireNonNull(claimMapping, "claimMapping");
    validate(issuer, jwksUrl, hmacSecret, algorithms, clockSkew, maxLifetime);
    validateAudience(issuer, audiences, anyAudience);
  }

  public static Builder builder(String issuer) {
    return new Builder(issuer);
  }

  /**
   * True when no algorithm list was configured for this JWKS issuer: each key then verifies exactly
   * the {@code alg} it declares, and a key that declares none verifies RS256 only.
   */
  public boolean algorithmsFromKeys() {
    return jwksUrl != null && algorithms.isEmpty();
  }

  /** The accepted algorithms in words, for refusal details and listings. */
  public String describeAlgorithms() {
    return algorithmsFromKeys()
        ? "each JWKS key's declared alg (RS256 for a key without one)"
        : String.join(", ", algorithms);
  }

  /**
   * A short fingerprint of the HMAC secret, to compare with the IdP's without showing the secret:
   * {@code sha256:} and the first 8 bytes of the key bytes' SHA-256 in hex. Null for a JWKS issuer.
   */
  public @Nullable String hmacSecretFingerprint() {
    return hmacSecret == null ? null : secretFingerprint(hmacSecret.getEncoded());
  }

  /** The fingerprint {@link #hmacSecretFingerprint()} gives for these key bytes. */
  public static String secretFingerprint(byte[] keyBytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBytes);
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** True when this issuer's keys come from a shared secret rather than a JWKS. */
  public boolean usesSecret() {
    return hmacSecret != null;
  }

  @Override
  public String toString() {
    return "IssuerConfig["
        + issuer
        + (jwksUrl != null ? ", jwks " + jwksUrl : ", hmac secret")
        + ", algorithms "
        + (algorithmsFromKeys() ? "per key" : algorithms)
        + (anyAudience ? ", ANY audience" : ", audiences " + audiences)
        + "]";
  }

  private static void validate(
      String issuer,
      @Nullable URI jwksUrl,
      @Nullable SecretKey secret,
      Set<String> algorithms,
      Duration clockSkew,
      @Nullable Duration maxLifetime) {
    if (issuer.isBlank() || issuer.length() > 512) {
      throw new IllegalArgumentException("issuer must be 1..512 characters, was '" + issuer + "'");
    }
    if ((jwksUrl == null) == (secret == null)) {
      throw new IllegalArgumentException(
          "issuer '" + issuer + "' needs exactly one of a JWKS URL or an HMAC secret");
    }
    if (jwksUrl != null) {
      requireJwksUrl(jwksUrl);
    }
    if (algorithms.isEmpty() && secret != null) {
      throw new IllegalArgumentException("issuer '" + issuer + "' allows no algorithm");
    }
    for (String alg : algorithms) {
      if (!Algorithms.isSupported(alg)) {
        throw new IllegalArgumentException(
            "issuer '"
                + issuer
                + "': unsupported algorithm '"
                + alg
                + "'; use one of "
                + Algorithms.SUPPORTED);
      }
      boolean hmac = Algorithms.isHmac(alg);
      if (secret == null && hmac) {
        throw new IllegalArgumentException(
            "issuer '" + issuer + "': " + alg + " needs an HMAC secret, not a JWKS URL");
      }
      if (secret != null && !hmac) {
        throw new IllegalArgumentException(
            "issuer '" + issuer + "': " + alg + " needs a JWKS URL, not an HMAC secret");
      }
      if (secret != null && secret.getEncoded().length < Algorithms.minHmacKeyBytes(alg)) {
        throw new IllegalArgumentException(
            "issuer '"
                + issuer
                + "': "
                + alg
                + " needs a secret of at least "
                + Algorithms.minHmacKeyBytes(alg) * 8
                + " bits, was "
                + secret.getEncoded().length * 8);
      }
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException(
          "clockSkew must be between 0 and " + MAX_CLOCK_SKEW + ", was " + clockSkew);
    }
    if (maxLifetime != null && (maxLifetime.isNegative() || maxLifetime.isZero())) {
      throw new IllegalArgumentException("maxLifetime must be positive, was " + maxLifetime);
    }
  }

  private static void validateAudience(String issuer, Set<String> audiences, boolean anyAudience) {
    if (audiences.isEmpty() && !anyAudience) {
      throw new IllegalArgumentException(
          "issuer '"
              + issuer
              + "' has no audience: name this API's audience with audience(...), or call"
              + " anyAudience() to accept tokens the issuer minted for any client");
    }
    if (!audiences.isEmpty() && anyAudience) {
      throw new IllegalArgumentException(
          "issuer '" + issuer + "': audience(...) and anyAudience() exclude each other");
    }
  }

  private static void requireJwksUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (host == null || url.getUserInfo() != null || url.getFragment() != null) {
      throw new IllegalArgumentException(
          "JWKS URL must be an absolute URL with a host, no user info or fragment: " + shown(url));
    }
    if (!scheme.equals("https") && !(scheme.equals("http") && LoopbackHost.is(host))) {
      throw new IllegalArgumentException(
          "JWKS URL must use https (http only on localhost, 127.0.0.0/8 or [::1]): " + shown(url));
    }
  }

  /** A URL for a message: its user info (which may hold a password) hidden, and made safe. */
  private static String shown(URI url) {
    String text = url.toString();
    String userInfo = url.getRawUserInfo();
    if (userInfo != null) {
      text = text.replace(userInfo + "@", "***@");
    }
    return Redact.safe(text);
  }

  /** Builds an {@link IssuerConfig}; every setter validates at once, {@link #build} the whole. */
  public static final class Builder {
    private final String issuer;
    private @Nullable URI jwksUrl;
    private @Nullable SecretKey secret;
    private @Nullable Set<String> algorithms;
    private final Set<String> audiences = new LinkedHashSet<>();
    private boolean anyAudience;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private @Nullable Duration maxLifetime;
    private final Set<String> requiredClaims = new LinkedHashSet<>();
    private ClaimMapping claimMapping = ClaimMapping.DEFAULT;

    private Builder(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /**
     * Keys come from this JWKS URL. Without {@link #algorithms}, each key verifies exactly the
     * {@code alg} it declares (RS256 for a key that declares none).
     */
    public Builder jwksUrl(String url) {
      try {
        return jwksUrl(new URI(url));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid JWKS URL '" + url + "': " + e.getMessage(), e);
      }
    }

    public Builder jwksUrl(URI url) {
      requireJwksUrl(url);
      this.jwksUrl = url;
      return this;
    }

    /** Tokens are HMAC-signed with this secret (at least 256 bits); algorithms default to HS256. */
    public Builder hmacSecret(byte[] secretBytes) {
      if (secretBytes.length < MIN_HMAC_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "HMAC secret must have at least 256 bits, had " + secretBytes.length * 8);
      }
      this.secret = new SecretKeySpec(secretBytes.clone(), "HmacSHA256");
      return this;
    }

    /** The secret as base64url (or base64) text, as {@code gatehouse jwt-secret} prints it. */
    public Builder hmacSecretBase64(String encoded) {
      String normal = encoded.strip().replace('+', '-').replace('/', '_');
      while (normal.endsWith("=")) {
        normal = normal.substring(0, normal.length() - 1);
      }
      byte[] secret;
      try {
        secret = Base64.getUrlDecoder().decode(normal);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("HMAC secret is not valid base64", e);
      }
      // Outside the try: a too-short secret must be reported as such, not as bad base64.
      return hmacSecret(secret);
    }

    /**
     * Narrows the accepted algorithms. A JWKS key that declares an {@code alg} still verifies only
     * that one; a key without one verifies any of these its type fits.
     */
    public Builder algorithms(String... algs) {
      return algorithms(List.of(algs));
    }

    public Builder algorithms(Collection<String> algs) {
      for (String alg : algs) {
        if (!Algorithms.isSupported(alg)) {
          throw new IllegalArgumentException(
              "unsupported algorithm '" + alg + "'; use one of " + Algorithms.SUPPORTED);
        }
      }
      this.algorithms = new LinkedHashSet<>(algs);
      return this;
    }

    /** Accept tokens whose {@code aud} names {@code audience}; may be called several times. */
    public Builder audience(String audience) {
      if (audience.isBlank()) {
        throw new IllegalArgumentException("audience must not be blank");
      }
      audiences.add(audience);
      return this;
    }

    /**
     * Accept this issuer's tokens whatever their {@code aud}: also those it minted for other
     * clients, and its ID tokens. Required, explicitly, when no {@link #audience} is named.
     */
    public Builder anyAudience() {
      this.anyAudience = true;
      return this;
    }

    public Builder clockSkew(Duration skew) {
      this.clockSkew = Objects.requireNonNull(skew, "clockSkew");
      return this;
    }

    public Builder maxLifetime(@Nullable Duration lifetime) {
      this.maxLifetime = lifetime;
      return this;
    }

    public Builder requireClaims(String... claims) {
      for (String claim : claims) {
        if (claim.isBlank()) {
          throw new IllegalArgumentException("required claim name must not be blank");
        }
        requiredClaims.add(claim);
      }
      return this;
    }

    public Builder claimMapping(ClaimMapping mapping) {
      this.claimMapping = Objects.requireNonNull(mapping, "claimMapping");
      return this;
    }

    public IssuerConfig build() {
      Set<String> algs = algorithms;
      if (algs == null) {
        algs = secret != null ? Set.of("HS256") : Set.of();
      }
      return new IssuerConfig(
          issuer,
          jwksUrl,
          secret,
          algs,
          audiences,
          anyAudience,
          clockSkew,
          maxLifetime,
          requiredClaims,
          claimMapping);
    }
  }
}
