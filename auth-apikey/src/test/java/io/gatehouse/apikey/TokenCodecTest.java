package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TokenCodecTest {

  @Test
  void generatedTokensHaveTheDocumentedShape() {
    String id = TokenCodec.newId();
    String token = TokenCodec.newToken(TokenKind.API, id);

    assertThat(token).hasSize(TokenCodec.TOKEN_LENGTH).startsWith("ghk_" + id + "_");
    assertThat(token).matches("ghk_[0-9A-Za-z]{10}_[0-9A-Za-z]{28}");
    assertThat(TokenCodec.check(token)).isEqualTo(TokenCodec.Shape.VALID);
    assertThat(TokenCodec.idOf(token)).isEqualTo(id);
    assertThat(TokenCodec.kindOf(token)).isEqualTo(TokenKind.API);
    assertThat(TokenCodec.mask(token)).isEqualTo("ghk_" + id + "_****");
    assertThat(TokenCodec.newToken(TokenKind.ADMIN, id)).startsWith("gha_" + id + "_");
  }

  @Test
  void theSecretCarriesAtLeast128BitsAndTheIdAtLeastEightCharacters() {
    double bitsPerChar = Math.log(62) / Math.log(2);
    assertThat(TokenCodec.SECRET_LENGTH * bitsPerChar).isGreaterThanOrEqualTo(128);
    assertThat(TokenCodec.ID_LENGTH).isGreaterThanOrEqualTo(8);
    Set<String> secrets = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      secrets.add(TokenCodec.newToken(TokenKind.API, "0123456789").substring(15, 37));
    }
    assertThat(secrets).hasSize(1000);
  }

  @Test
  void surrogatePairsOfTheTokensLengthAreBadCharactersNotAnEscapingException() {
    // Found by TokenCodecFuzzTest: 43 chars, but 24 bytes once each code point became one byte.
    String emoji = "ghk_" + "\uD83D\uDE00".repeat(19) + "a";
    assertThat(emoji).hasSize(TokenCodec.TOKEN_LENGTH);

    assertThat(TokenCodec.check(emoji)).isEqualTo(TokenCodec.Shape.BAD_CHARACTERS);
    assertThat(TokenCodec.checkBytes(TokenCodec.bytesOf(emoji)))
        .isEqualTo(TokenCodec.Shape.BAD_CHARACTERS);
  }

  @Test
  void anIdOfTenCharsWithASurrogatePairIsNoIdNotAnEscapingException() {
    // Found by fuzzing TokenCodecFuzzTest#check (seed crash-id-length-with-surrogate-pair).
    String id = "kg,)\u0000\u0000\uD83D\uDE00\uFFFDh";
    assertThat(id).hasSize(TokenCodec.ID_LENGTH);

    assertThat(TokenCodec.isTokenId(id)).isFalse();
    assertThat(TokenCodec.isTokenId("Ab\uD83D\uDE00cdefgh")).isFalse();
    assertThat(TokenCodec.isTokenId("Abcdefgh\u00e9Z")).isFalse();
    assertThat(TokenCodec.isTokenId("AbcdefghiZ")).isTrue();
  }

  @Test
  void theChecksumIsCrc32Ieee() {
    assertThat(TokenCodec.crc32("123456789", 9)).isEqualTo(0xCBF43926L); // the standard check value
    assertThat(TokenCodec.encode(0xCBF43926L, 6)).isEqualTo("3jZRME");
    assertThat(TokenCodec.encode(0, 6)).isEqualTo("000000");
  }

  @Test
  void theChecksumIsTheStandardCrc32OfTheBody() {
    String token = TokenCodec.newToken(TokenKind.ADMIN, TokenCodec.newId());
    String body = token.substring(0, TokenCodec.BODY_LENGTH);
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));

    assertThat(TokenCodec.crc32(body, body.length())).isEqualTo(crc.getValue());
    assertThat(token.substring(TokenCodec.BODY_LENGTH))
        .isEqualTo(TokenCodec.encode(crc.getValue(), TokenCodec.CHECKSUM_LENGTH));
  }

  @Test
  void classifiesHostileShapes() {
    String valid = TokenCodec.newToken(TokenKind.API, TokenCodec.newId());
    assertThat(TokenCodec.check("")).isEqualTo(TokenCodec.Shape.EMPTY);
    assertThat(TokenCodec.check(valid + "x")).isEqualTo(TokenCodec.Shape.BAD_LENGTH);
    assertThat(TokenCodec.check(valid.substring(0, 40))).isEqualTo(TokenCodec.Shape.BAD_LENGTH);
    assertThat(TokenCodec.check("ghk_" + "é".repeat(39)))
        .isEqualTo(TokenCodec.Shape.BAD_CHARACTERS);
    assertThat(TokenCodec.check(valid.substring(0, 14) + '-' + valid.substring(15)))
        .isEqualTo(TokenCodec.Shape.BAD_CHECKSUM);
    String body = "ghk_0123456789-" + "a".repeat(22); // a bad separator, yet a matching checksum
    assertThat(TokenCodec.check(body + TokenCodec.encode(TokenCodec.crc32(body, body.length()), 6)))
        .isEqualTo(TokenCodec.Shape.BAD_CHARACTERS);
    assertThat(TokenCodec.check("ghk_' OR 1=1 --" + "x".repeat(28)))
        .isEqualTo(TokenCodec.Shape.BAD_CHECKSUM); // the checksum is tested first
    assertThat(TokenCodec.check("123e4567-e89b-12d3-a456-426614174000"))
        .isEqualTo(TokenCodec.Shape.FOREIGN);
  }

  @Property(tries = 300)
  void everySingleCharacterTypoIsCaught(
      @ForAll @IntRange(min = 0, max = TokenCodec.TOKEN_LENGTH - 1) int position,
      @ForAll("base62") char replacement) {
    String token = TokenCodec.newToken(TokenKind.API, TokenCodec.newId());
    if (token.charAt(position) == replacement || position < TokenCodec.PREFIX_LENGTH) {
      return; // not a typo, or a different prefix (another kind or foreign)
    }
    String typo = token.substring(0, position) + replacement + token.substring(position + 1);
    assertThat(TokenCodec.check(typo)).isNotEqualTo(TokenCodec.Shape.VALID);
  }

  @Property(tries = 200)
  void swappingTwoAdjacentSecretCharactersIsCaught(
      @ForAll @IntRange(min = TokenCodec.SECRET_START, max = TokenCodec.BODY_LENGTH - 2) int i) {
    String token = TokenCodec.newToken(TokenKind.API, TokenCodec.newId());
    if (token.charAt(i) == token.charAt(i + 1)) {
      return;
    }
    String swapped =
        token.substring(0, i) + token.charAt(i + 1) + token.charAt(i) + token.substring(i + 2);
    assertThat(TokenCodec.check(swapped)).isEqualTo(TokenCodec.Shape.BAD_CHECKSUM);
  }

  @Property(tries = 300)
  void arbitraryTextNeverCrashesTheParser(@ForAll String text) {
    TokenCodec.Shape shape = TokenCodec.check(text);
    assertThat(shape).isNotNull();
    if (shape == TokenCodec.Shape.VALID) {
      assertThat(text).hasSize(TokenCodec.TOKEN_LENGTH);
    }
  }

  @Provide
  Arbitrary<Character> base62() {
    return Arbitraries.chars().range('0', '9').range('A', 'Z').range('a', 'z');
  }
}
