package io.gatehouse.jwks;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * Verifies RS*, PS*, ES* and EdDSA signatures with the JDK's {@link Signature} directly: one
 * instance per algorithm per thread, initialised once per key and reused for every token signed
 * with that key ({@code verify} returns it to the state {@code initVerify} left), instead of
 * jose4j's provider lookup and initialisation per token.
 *
 * <ul>
 *   <li>PS256/384/512: RSASSA-PSS with MGF1 over the same hash and a salt of the hash's length (RFC
 *       7518 section 3.5).
 *   <li>ES256/384/512: the JWS signature is R and S as fixed-length big-endian integers (RFC 7518
 *       section 3.4), which the JDK reads as is in its IEEE P1363 format: no DER re-encoding. A
 *       signature of any other length than twice the curve's size (64, 96, 132 bytes) does not
 *       verify.
 *   <li>EdDSA: the JDK's EdDSA (Ed25519 and Ed448).
 * </ul>
 */
final class SignatureVerifier {
  private static final String[] ALGORITHMS = {
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"
  };

  /** One slot per thread per algorithm: the key the {@code Signature} was last set up with. */
  private static final class Slot {
    final Signature signature;
    @Nullable PublicKey key;

    Slot(Signature signature) {
      this.signature = signature;
    }
  }

  private static final ThreadLocal<Slot[]> SLOTS =
      ThreadLocal.withInitial(() -> new Slot[ALGORITHMS.length]);

  private SignatureVerifier() {}

  /**
   * Whether {@code signature} verifies {@code data[0, length)} under {@code key}; a malformed
   * signature does not verify.
   *
   * @throws java.security.InvalidKeyException when the key cannot verify this algorithm
   * @throws GeneralSecurityException when the algorithm is not available
   */
  static boolean verify(String alg, PublicKey key, byte[] data, int length, byte[] signature)
      throws GeneralSecurityException {
    int index = index(alg);
    int ecdsaLength = ecdsaSignatureLength(index);
    if (ecdsaLength > 0 && signature.length != ecdsaLength) {
      return false;
    }
    Slot[] slots = SLOTS.get();
    Slot slot = slots[index];
    if (slot == null) {
      slot = new Slot(newSignature(index));
      slots[index] = slot;
    }
    Signature verifier = slot.signature;
    // Identity, not equality: a key is decoded once per configuration or JWKS refresh, so the
    // same object keeps coming back, and a changed key is always a new object.
    if (slot.key != key) {
      slot.key = null;
      verifier.initVerify(key);
      slot.key = key;
    }
    try {
      verifier.update(data, 0, length);
      return verifier.verify(signature);
    } catch (SignatureException | RuntimeException e) {
      // As on jose4j's path, a signature the provider cannot read does not verify. The instance
      // is set up again for the next token rather than trusted in an unknown state.
      slot.key = null;
      return false;
    }
  }

  /** {@code alg}'s place in {@link #ALGORITHMS}. */
  private static int index(String alg) throws GeneralSecurityException {
    return switch (alg) {
      case "RS256" -> 0;
      case "RS384" -> 1;
      case "RS512" -> 2;
      case "PS256" -> 3;
      case "PS384" -> 4;
      case "PS512" -> 5;
      case "ES256" -> 6;
      case "ES384" -> 7;
      case "ES512" -> 8;
      case "EdDSA" -> 9;
      default -> throw new GeneralSecurityException("not a public-key signature algorithm");
    };
  }

  /** The length of an ES256/384/512 signature (R then S, each the curve's size), else 0. */
  private static int ecdsaSignatureLength(int index) {
    return switch (index) {
      case 6 -> 64;
      case 7 -> 96;
      case 8 -> 132;
      default -> 0;
    };
  }

  private static Signature newSignature(int index) throws GeneralSecurityException {
    String alg = ALGORITHMS[index];
    String bits = alg.substring(2);
    return switch (alg.substring(0, 2)) {
      case "RS" -> Signature.getInstance("SHA" + bits + "withRSA");
      case "PS" -> {
        Signature pss = Signature.getInstance("RSASSA-PSS");
        String hash = "SHA-" + bits;
        pss.setParameter(
            new PSSParameterSpec(
                hash, "MGF1", new MGF1ParameterSpec(hash), Integer.parseInt(bits) / 8, 1));
        yield pss;
      }
      case "ES" -> Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
      default -> Signature.getInstance("EdDSA");
    };
  }
}
