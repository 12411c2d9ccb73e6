package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TokenHashTest {

  /** The word-at-a-time comparison agrees with {@link MessageDigest#isEqual} on any pair. */
  @Property(tries = 300)
  void matchesAgreesWithMessageDigestIsEqual(
      @ForAll @Size(32) byte[] a, @ForAll @Size(32) byte[] b) {
    assertThat(TokenHash.of(a).matches(TokenHash.of(b))).isEqualTo(MessageDigest.isEqual(a, b));
    assertThat(TokenHash.of(a).matches(TokenHash.of(a.clone()))).isTrue();
  }

  /** A difference in any single bit, in any of the four words, is seen. */
  @Property(tries = 300)
  void oneFlippedBitAnywhereDoesNotMatch(
      @ForAll @Size(32) byte[] a, @ForAll @IntRange(min = 0, max = 255) int bit) {
    byte[] b = a.clone();
    b[bit / 8] ^= (byte) (1 << (bit % 8));

    assertThat(TokenHash.of(a).matches(TokenHash.of(b))).isFalse();
    assertThat(TokenHash.of(a)).isNotEqualTo(TokenHash.of(b));
  }

  @Test
  void nullNeverMatchesAndBadSizesAreRefused() {
    TokenHash hash = TokenHash.of(new byte[32]);
    assertThat(hash.matches(null)).isFalse();
    assertThat(TokenHash.fromHex(hash.hex())).isEqualTo(hash);
    assertThatThrownBy(() -> TokenHash.of(new byte[31])).hasMessageContaining("got 31");
    assertThatThrownBy(() -> TokenHash.fromHex("00")).hasMessageContaining("got 2");
  }
}
