package io.gatehouse.jwks;

import io.gatehouse.core.Access;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The claim policy of one issuer, and the mapping of verified claims to an identity. */
final class ClaimsChecker {
  private ClaimsChecker() {}

  /** Parses the (unverified) payload as JWT claims. */
  static Claims parse(byte[] payload) throws Refusal {
    // Plain JSON is scanned, not built: the policy reads a few claims, the app maybe none.
    Claims scanned = ScannedClaims.scan(payload);
    if (scanned != null) {
      return scanned;
    }
    Map<String, Object> parsed = TokenJson.parse(payload, 0, payload.length);
    if (parsed == null) {
      throw new Refusal(Reason.MALFORMED, "payload is not a JSON claims set");
    }
    return Claims.of(parsed);
  }

  /** The {@code iss} claim, required to pick the issuer before anything is fetched. */
  static String issuer(Claims claims) throws Refusal {
    try {
      String iss = claims.string("iss");
      if (iss == null || iss.isEmpty()) {
        throw new Refusal(Reason.BAD_CLAIMS, "token has no iss");
      }
      return iss;
    } catch (Claims.WrongType e) {
      throw new Refusal(Reason.BAD_CLAIMS, "iss is not a string");
    }
  }

  /** Checks every policy of {@code issuer}; returns the token's {@code exp}, in epoch seconds. */
  static long check(Claims claims, IssuerConfig issuer, Instant now) throws Refusal {
    try {
      // Dates as primitives: "absent" is asked apart (has), never a boxed null.
      if (!claims.has("exp")) {
        throw new Refusal(Reason.BAD_CLAIMS, "token has no exp");
      }
      long exp = claims.date("exp", 0);
      long nbfSeconds = claims.date("nbf", Long.MIN_VALUE);
      boolean hasIat = claims.has("iat");
      long iat = claims.date("iat", 0);
      checkTimes(exp, nbfSeconds, issuer.clockSkew(), now);
      long skew = issuer.clockSkew().toSeconds();
      if (hasIat && iat > now.getEpochSecond() + skew) {
        throw new Refusal(Reason.BAD_CLAIMS, "token issued in the future (iat)");
      }
      Duration maxLifetime = issuer.maxLifetime();
      if (maxLifetime != null) {
        if (!hasIat) {
          throw new Refusal(Reason.BAD_CLAIMS, "token has no iat, needed for the lifetime limit");
        }
        if (lifetimeSeconds(exp, iat) > maxLifetime.toSeconds()) {
          throw new Refusal(
              Reason.BAD_CLAIMS, "token lifetime exceeds " + maxLifetime.toSeconds() + " s");
        }
      }
      if (!issuer.anyAudience() && !claims.audienceIn(issuer.audiences())) {
        throw new Refusal(Reason.BAD_CLAIMS, "token audience does not match");
      }
      // Most issuers require none: no iterator for an empty set.
      if (!issuer.requiredClaims().isEmpty()) {
        for (String required : issuer.requiredClaims()) {
          if (!claims.has(required)) {
            throw new Refusal(Reason.BAD_CLAIMS, "token lacks required claim '" + required + "'");
          }
        }
      }
      return exp;
    } catch (Claims.WrongType e) {
      throw new Refusal(Reason.BAD_CLAIMS, "a registered claim has the wrong type");
    }
  }

  /**
   * {@code exp - iat}, saturated: an {@code iat} far in the past (say {@code Long.MIN_VALUE}) must
   * not wrap the difference around to a negative lifetime that passes the limit.
   */
  private static long lifetimeSeconds(long exp, long iat) {
    try {
      return Math.subtractExact(exp, iat);
    } catch (ArithmeticException overflow) {
      return exp > iat ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
  }

  /**
   * The {@code nbf} of claims {@link #check} passed, in epoch seconds; {@link Long#MIN_VALUE} when
   * there is none. Read apart, for the verified-token cache only.
   */
  static long notBefore(Claims checked) {
    try {
      return checked.date("nbf", Long.MIN_VALUE);
    } catch (Claims.WrongType e) {
      // check() refused such a token already.
      throw new IllegalStateException("nbf of checked claims has the wrong type", e);
    }
  }

  /** The time checks, also re-run on every verified-token cache hit. */
  static void checkTimes(long exp, long nbf, Duration skew, Instant now) throws Refusal {
    long nowSeconds = now.getEpochSecond();
    long skewSeconds = skew.toSeconds();
    // Not "now >= exp + skew": an exp near Long.MAX_VALUE would wrap around and read as expired.
    if (nowSeconds - skewSeconds >= exp) {
      throw new Refusal(Reason.EXPIRED, "token expired");
    }
    if (nbf != Long.MIN_VALUE && nowSeconds + skewSeconds < nbf) {
      throw new Refusal(Reason.BAD_CLAIMS, "token not valid yet (nbf)");
    }
  }

  /** The identity the verified {@code claims} describe. */
  static Identity identity(Claims claims, IssuerConfig issuer, String space, long exp)
      throws Refusal {
    ClaimMapping mapping = issuer.claimMapping();
    Object subject = claims.value(mapping.subjectClaim());
    if (!(subject instanceof String subjectText) || subjectText.isBlank()) {
      throw new Refusal(
          Reason.BAD_CLAIMS, "token has no string claim '" + mapping.subjectClaim() + "'");
    }
    Access access = mapping.defaultAccess();
    String accessClaim = mapping.accessClaim();
    if (accessClaim != null && claims.has(accessClaim)) {
      Object value = claims.value(accessClaim);
      Access named = value instanceof String text ? ClaimMapping.accessFor(text) : null;
      if (named == null) {
        throw new Refusal(Reason.BAD_CLAIMS, "claim '" + accessClaim + "' names no access");
      }
      access = named;
    }
    String jti;
    try {
      jti = claims.string("jti");
    } catch (Claims.WrongType e) {
      throw new Refusal(Reason.BAD_CLAIMS, "jti is not a string");
    }
    // The record's constructor, not its builder: one object fewer on every verify.
    return new Identity(
        subjectText,
        "jwt",
        space,
        access,
        Scopes.of(claims, mapping.permissionClaims()),
        // A scanned payload's claims are built when the app first reads them, if ever.
        claims.forIdentity(),
        jti == null ? null : Redact.safe(jti),
        // An exp past Instant.MAX (year 1,000,000,000) is a valid "never": clamp, do not throw.
        Instant.ofEpochSecond(Math.min(exp, Instant.MAX.getEpochSecond())));
  }
}
