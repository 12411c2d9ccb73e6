package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets of the token format. In the normal build they replay the seeds under {@code
 * TokenCodecFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes them.
 *
 * <p>Oracle: {@link TokenFormat}, the format read independently (regex plus {@code
 * java.util.zip.CRC32}). {@link TokenCodec#check} never throws, accepts exactly the well-formed
 * tokens with the right checksum, and an accepted token round-trips (id, kind, mask, checksum
 * re-encoded); the byte path the authenticator uses agrees with it; any single-character change of
 * a valid token is refused.
 */
class TokenCodecFuzzTest {

  @FuzzTest(maxDuration = "1m")
  void check(byte[] input) {
    assertAgreesWithTheFormat(new String(input, StandardCharsets.UTF_8));
  }

  /**
   * A valid token built from fuzzed id and secret characters, then one character replaced, inserted
   * or deleted at a fuzzed place: the original is accepted, the change never is.
   */
  @FuzzTest(maxDuration = "1m")
  void singleCharacterMutation(FuzzedDataProvider data) {
    TokenKind kind = data.consumeBoolean() ? TokenKind.API : TokenKind.ADMIN;
    String id = base62(data, TokenCodec.ID_LENGTH);
    String secret = base62(data, TokenCodec.SECRET_LENGTH);
    String token = TokenFormat.token(kind, id, secret);
    assertThat(TokenCodec.check(token)).isEqualTo(TokenCodec.Shape.VALID);
    assertAgreesWithTheFormat(token);

    int at = data.consumeInt(0, token.length() - 1);
    String mutated =
        switch (data.consumeInt(0, 2)) {
          case 0 ->
              token.substring(0, at)
                  + replacement(data, token.charAt(at))
                  + token.substring(at + 1);
          case 1 -> token.substring(0, at) + data.consumeChar() + token.substring(at);
          default -> token.substring(0, at) + token.substring(at + 1);
        };
    assertThat(mutated).isNotEqualTo(token);
    assertThat(TokenCodec.check(mutated)).as(mutated).isNotEqualTo(TokenCodec.Shape.VALID);
    assertAgreesWithTheFormat(mutated);
  }

  /** Checks {@code text} against {@link TokenFormat}; returns nothing, throws on disagreement. */
  static void assertAgreesWithTheFormat(String text) {
    TokenCodec.Shape shape = TokenCodec.check(text);
    TokenKind expectedKind = TokenFormat.validKind(text);
    if (expectedKind != null) {
      assertThat(shape).as(text).isEqualTo(TokenCodec.Shape.VALID);
      assertRoundTrip(text, expectedKind);
    } else if (text.isEmpty()) {
      assertThat(shape).isEqualTo(TokenCodec.Shape.EMPTY);
    } else if (!TokenFormat.hasGatehousePrefix(text)) {
      assertThat(shape).isEqualTo(TokenCodec.Shape.FOREIGN);
    } else if (text.length() != TokenCodec.TOKEN_LENGTH) {
      assertThat(shape).isEqualTo(TokenCodec.Shape.BAD_LENGTH);
    } else {
      assertThat(shape)
          .as(text)
          .isIn(TokenCodec.Shape.BAD_CHARACTERS, TokenCodec.Shape.BAD_CHECKSUM);
      // The authenticator's path: one copy to bytes, then the same verdict.
      assertThat(TokenCodec.checkBytes(TokenCodec.bytesOf(text))).isEqualTo(shape);
    }
    if (shape != TokenCodec.Shape.VALID && text.length() == TokenCodec.ID_LENGTH) {
      assertThat(TokenCodec.isTokenId(text)).isEqualTo(text.matches("[0-9A-Za-z]{10}"));
    }
  }

  private static void assertRoundTrip(String token, TokenKind kind) {
    assertThat(TokenCodec.checkBytes(TokenCodec.bytesOf(token))).isEqualTo(TokenCodec.Shape.VALID);
    // A valid token is ASCII: the one copy the authenticator hashes is its UTF-8 encoding.
    assertThat(TokenCodec.bytesOf(token)).isEqualTo(token.getBytes(StandardCharsets.UTF_8));
    String id = TokenCodec.idOf(token);
    assertThat(TokenCodec.isTokenId(id)).isTrue();
    assertThat(TokenCodec.kindOf(token)).isEqualTo(kind);
    assertThat(TokenCodec.mask(token)).isEqualTo(kind.prefix() + id + "_****");
    String body = token.substring(0, TokenCodec.BODY_LENGTH);
    String printed =
        body + TokenCodec.encode(TokenCodec.crc32(body, body.length()), TokenCodec.CHECKSUM_LENGTH);
    assertThat(printed).isEqualTo(token);
    assertThat(token).startsWith(kind.prefix() + id + "_");
  }

  private static String base62(FuzzedDataProvider data, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = TokenFormat.ALPHABET.charAt(data.consumeInt(0, 61));
    }
    return new String(out);
  }

  /** A character other than {@code original}: mostly base62 (the typo case), sometimes any. */
  private static char replacement(FuzzedDataProvider data, char original) {
    char c =
        data.consumeBoolean()
            ? TokenFormat.ALPHABET.charAt(data.consumeInt(0, 61))
            : data.consumeChar();
    return c == original ? (char) (c ^ 1) : c;
  }
}
