package io.gatehouse.jwks;

import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.security.Key;
import java.security.interfaces.RSAKey;
import java.util.List;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignatureAlgorithm;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.InvalidKeyException;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;

/**
 * The signature layer: binds the header's algorithm to the key (kty, curve, {@code alg}, {@code
 * use}, {@code key_ops}, size) and verifies with the JDK's {@code Mac} and {@code Signature}
 * directly (jose4j's algorithm implementation is the reference path tests compare with). A key
 * whose declared {@code alg} differs from the header's never verifies, so RS→HS confusion,
 * PKCS#1↔PSS swaps and hash downgrades all fail here.
 */
final class JwsVerifier {
  private static final ProviderContext PROVIDERS = new ProviderContext();

  private JwsVerifier() {}

  /** Verifies {@code jws} with {@code key}, or throws a refusal saying why not. */
  static void verify(ParsedJws jws, JsonWebKey key) throws Refusal {
    verify(jws, key, false);
  }

  /**
   * Verifies {@code jws} with {@code key}; with {@code reference}, through jose4j's algorithm for
   * every family (the path before the fast paths), which tests compare with the fast path.
   */
  static void verify(ParsedJws jws, JsonWebKey key, boolean reference) throws Refusal {
    String problem = bindingProblem(key, jws.alg());
    if (problem != null) {
      throw new Refusal(Reason.BAD_SIGNATURE, problem);
    }
    Key verificationKey =
        key instanceof PublicJsonWebKey publicKey ? publicKey.getPublicKey() : key.getKey();
    if (verificationKey == null) {
      throw new Refusal(Reason.BAD_SIGNATURE, "key " + describe(key) + " has no public part");
    }
    boolean valid;
    if (reference) {
      valid = verifyWithJose4j(jws, key, verificationKey);
    } else if (Algorithms.family(jws.alg()) == Algorithms.Family.HMAC) {
      valid = verifyHmac(jws, key, verificationKey);
    } else if (verificationKey instanceof java.security.PublicKey publicKey) {
      valid = verifyPublic(jws, key, publicKey);
    } else {
      valid = verifyWithJose4j(jws, key, verificationKey);
    }
    if (!valid) {
      throw new Refusal(Reason.BAD_SIGNATURE, "signature does not verify");
    }
  }

  /** The HMAC fast path: the JDK's {@code Mac}, reused per key per thread. */
  private static boolean verifyHmac(ParsedJws jws, JsonWebKey key, Key verificationKey)
      throws Refusal {
    try {
      return HmacVerifier.verify(
          jws.alg(),
          verificationKey,
          jws.signingInputBuffer(),
          jws.signingInputLength(),
          jws.signature());
    } catch (java.security.InvalidKeyException e) {
      throw new Refusal(
          Reason.BAD_SIGNATURE, "key " + describe(key) + " cannot verify " + jws.alg());
    } catch (java.security.GeneralSecurityException e) {
      throw new Refusal(Reason.BAD_SIGNATURE, "algorithm " + jws.alg() + " not available");
    }
  }

  /** The RS, PS, ES and EdDSA fast path: the JDK's {@code Signature}, reused per key per thread. */
  private static boolean verifyPublic(
      ParsedJws jws, JsonWebKey key, java.security.PublicKey verificationKey) throws Refusal {
    try {
      return SignatureVerifier.verify(
          jws.alg(),
          verificationKey,
          jws.signingInputBuffer(),
          jws.signingInputLength(),
          jws.signature());
    } catch (java.security.InvalidKeyException e) {
      throw new Refusal(
          Reason.BAD_SIGNATURE, "key " + describe(key) + " cannot verify " + jws.alg());
    } catch (java.security.GeneralSecurityException e) {
      throw new Refusal(Reason.BAD_SIGNATURE, "algorithm " + jws.alg() + " not available");
    }
  }

  /** The same verification through jose4j's algorithm implementation. */
  private static boolean verifyWithJose4j(ParsedJws jws, JsonWebKey key, Key verificationKey)
      throws Refusal {
    boolean valid;
    try {
      JsonWebSignatureAlgorithm algorithm =
          AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(jws.alg());
      algorithm.validateVerificationKey(verificationKey);
      valid =
          algorithm.verifySignature(
              jws.signature(), verificationKey, jws.signingInput(), PROVIDERS);
    } catch (InvalidKeyException e) {
      throw new Refusal(
          Reason.BAD_SIGNATURE, "key " + describe(key) + " cannot verify " + jws.alg());
    } catch (InvalidAlgorithmException e) {
      throw new Refusal(Reason.BAD_SIGNATURE, "algorithm " + jws.alg() + " not available");
    } catch (JoseException | RuntimeException e) {
      // Malformed signature encodings (wrong ECDSA length...) surface here.
      valid = false;
    }
    return valid;
  }

  /**
   * Why {@code key} may not verify {@code alg}, or null when it may. RFC 7517: {@code use} must be
   * {@code sig} when present, {@code key_ops} must include {@code verify} when present, and a
   * declared {@code alg} must be exactly the header's.
   */
  static @Nullable String bindingProblem(JsonWebKey key, String alg) {
    String use = key.getUse();
    if (use != null && !use.equals("sig")) {
      // use and alg come from the JWKS document: made safe, as they reach details and logs.
      return "key " + describe(key) + " is for use '" + Redact.safe(use) + "', not signatures";
    }
    List<String> ops = key.getKeyOps();
    if (ops != null && !ops.contains("verify")) {
      return "key " + describe(key) + " does not allow verify";
    }
    String keyAlg = key.getAlgorithm();
    if (keyAlg != null && !keyAlg.equals(alg)) {
      return "key " + describe(key) + " is bound to " + Redact.safe(keyAlg) + ", token uses " + alg;
    }
    String kty = Algorithms.keyType(alg);
    if (!kty.equals(key.getKeyType())) {
      return "key "
          + describe(key)
          + " has type "
          + key.getKeyType()
          + ", "
          + alg
          + " needs "
          + kty;
    }
    return switch (Algorithms.family(alg)) {
      case RSA_PKCS1, RSA_PSS -> rsaProblem(key);
      case ECDSA -> {
        String curve = ((EllipticCurveJsonWebKey) key).getCurveName();
        yield Algorithms.curve(alg).equals(curve)
            ? null
            : "key "
                + describe(key)
                + " is on curve "
                + curve
                + ", "
                + alg
                + " needs "
                + Algorithms.curve(alg);
      }
      case EDDSA -> {
        String subtype = ((OctetKeyPairJsonWebKey) key).getSubtype();
        yield "Ed25519".equals(subtype) || "Ed448".equals(subtype)
            ? null
            : "key " + describe(key) + " is not an Ed25519/Ed448 key";
      }
      case HMAC ->
          ((OctetSequenceJsonWebKey) key).getOctetSequence().length
                  >= Algorithms.minHmacKeyBytes(alg)
              ? null
              : "HMAC key " + describe(key) + " is shorter than " + alg + " requires";
    };
  }

  private static @Nullable String rsaProblem(JsonWebKey key) {
    Key rsa = key.getKey();
    if (!(rsa instanceof RSAKey rsaKey)
        || rsaKey.getModulus().bitLength() < Algorithms.MIN_RSA_BITS) {
      return "key " + describe(key) + " is shorter than 2048 bits";
    }
    return null;
  }

  /** A key's name for details and logs: its kid, never its material. */
  static String describe(JsonWebKey key) {
    String kid = key.getKeyId();
    return kid == null ? "(no kid)" : "'" + Redact.safe(kid) + "'";
  }
}
