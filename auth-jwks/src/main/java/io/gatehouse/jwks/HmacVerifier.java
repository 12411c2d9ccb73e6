package io.gatehouse.jwks;

import java.security.GeneralSecurityException;
import java.security.Key;
import javax.crypto.Mac;
import org.jspecify.annotations.Nullable;

/**
 * Verifies HS256/HS384/HS512 signatures with the JDK's {@link Mac} directly: one {@code Mac} per
 * algorithm per thread, initialised once per key and reused for every token signed with that key
 * ({@code doFinal} resets it), the MAC written into a per-thread buffer and compared in constant
 * time. jose4j's per-token path looked the {@code Mac} up and initialised it again for each token,
 * which cost more than the MAC itself.
 */
final class HmacVerifier {
  /** One slot per thread per algorithm: the key the {@code Mac} was last initialised with. */
  private static final class Slot {
    final Mac mac;
    final byte[] expected;
    @Nullable Key key;

    Slot(Mac mac) {
      this.mac = mac;
      this.expected = new byte[mac.getMacLength()];
    }
  }

  private static final ThreadLocal<Slot[]> SLOTS = ThreadLocal.withInitial(() -> new Slot[3]);

  private HmacVerifier() {}

  /**
   * Whether {@code signature} is the {@code alg} MAC of {@code data[0, length)} under {@code key},
   * compared in constant time.
   *
   * @throws GeneralSecurityException when the key cannot be used for the MAC
   */
  static boolean verify(String alg, Key key, byte[] data, int length, byte[] signature)
      throws GeneralSecurityException {
    Slot slot = slotFor(alg, key);
    slot.mac.update(data, 0, length);
    slot.mac.doFinal(slot.expected, 0);
    // Constant time for equal lengths; the length is public (it is the algorithm's).
    return java.security.MessageDigest.isEqual(slot.expected, signature);
  }

  private static Slot slotFor(String alg, Key key) throws GeneralSecurityException {
    int index =
        switch (alg) {
          case "HS256" -> 0;
          case "HS384" -> 1;
          case "HS512" -> 2;
          default -> throw new GeneralSecurityException("not an HMAC algorithm");
        };
    Slot[] slots = SLOTS.get();
    Slot slot = slots[index];
    if (slot == null) {
      slot = new Slot(Mac.getInstance("HmacSHA" + alg.substring(2)));
      slots[index] = slot;
    }
    // Identity, not equality: a key is decoded once per configuration or JWKS refresh, so the
    // same object keeps coming back, and a changed key is always a new object.
    if (slot.key != key) {
      slot.key = null;
      slot.mac.init(key);
      slot.key = key;
    }
    return slot;
  }
}
