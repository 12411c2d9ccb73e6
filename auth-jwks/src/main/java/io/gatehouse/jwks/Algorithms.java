package io.gatehouse.jwks;

import java.util.Set;

/** The JWS algorithms Gatehouse verifies, and which key each needs. */
final class Algorithms {

  /** Families of algorithms: a key serves exactly one family. */
  enum Family {
    RSA_PKCS1,
    RSA_PSS,
    ECDSA,
    EDDSA,
    HMAC
  }

  static final Set<String> SUPPORTED =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
          "HS256", "HS384", "HS512");

  /** RSA moduli below this many bits are refused. */
  static final int MIN_RSA_BITS = 2048;

  private Algorithms() {}

  static boolean isSupported(String alg) {
    return SUPPORTED.contains(alg);
  }

  static boolean isHmac(String alg) {
    return alg.startsWith("HS") && SUPPORTED.contains(alg);
  }

  static Family family(String alg) {
    // By the first letter, with no substring per token: alg is one of SUPPORTED.
    if (alg.length() < 2) {
      return Family.HMAC;
    }
    return switch (alg.charAt(0)) {
      case 'R' -> Family.RSA_PKCS1;
      case 'P' -> Family.RSA_PSS;
      case 'E' -> alg.charAt(1) == 'S' ? Family.ECDSA : Family.EDDSA;
      default -> Family.HMAC;
    };
  }

  /** The JWK {@code kty} a key for {@code alg} must have. */
  static String keyType(String alg) {
    return switch (family(alg)) {
      case RSA_PKCS1, RSA_PSS -> "RSA";
      case ECDSA -> "EC";
      case EDDSA -> "OKP";
      case HMAC -> "oct";
    };
  }

  /** The curve an ECDSA algorithm requires (RFC 7518 section 3.4). */
  static String curve(String alg) {
    return switch (alg) {
      case "ES256" -> "P-256";
      case "ES384" -> "P-384";
      default -> "P-521";
    };
  }

  /** The shortest HMAC key for {@code alg}: the hash size (RFC 7518 section 3.2), at least 256. */
  static int minHmacKeyBytes(String alg) {
    return switch (alg) {
      case "HS384" -> 48;
      case "HS512" -> 64;
      default -> IssuerConfig.MIN_HMAC_SECRET_BYTES;
    };
  }
}
