package io.gatehouse.jwks;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Verifies RS256/RS384/RS512 (RSASSA-PKCS1-v1_5) signatures with the JDK's {@link Signature}
 * directly: one instance per algorithm per thread, reused for every token ({@code initVerify}
 * resets it), instead of jose4j's provider lookup per token.
 */
final class RsaVerifier {
  private static final ThreadLocal<Signature[]> SIGNATURES =
      ThreadLocal.withInitial(() -> new Signature[3]);

  private RsaVerifier() {}

  /**
   * Whether {@code signature} verifies {@code signingInput} under {@code key}; a malformed
   * signature does not verify.
   *
   * @throws java.security.InvalidKeyException when the key cannot verify this algorithm
   * @throws GeneralSecurityException when the algorithm is not available
   */
  static boolean verify(String alg, PublicKey key, byte[] signingInput, byte[] signature)
      throws GeneralSecurityException {
    int index =
        switch (alg) {
          case "RS256" -> 0;
          case "RS384" -> 1;
          case "RS512" -> 2;
          default -> throw new GeneralSecurityException("not an RSASSA-PKCS1-v1_5 algorithm");
        };
    Signature[] signatures = SIGNATURES.get();
    Signature verifier = signatures[index];
    if (verifier == null) {
      verifier = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
      signatures[index] = verifier;
    }
    verifier.initVerify(key);
    try {
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false;
    }
  }
}
