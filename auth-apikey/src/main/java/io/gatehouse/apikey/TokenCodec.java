package io.gatehouse.apikey;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The Gatehouse token text: {@code <prefix><id>_<secret><checksum>}, e.g. {@code ghk_2Xb9QmT4aZ_<22
 * base62 chars><6 base62 chars>}. The prefix names the kind; the id (10 base62 characters) is the
 * store's key and is safe to log; the secret is 22 base62 characters from {@link SecureRandom} (130
 * bits); the checksum is the CRC32 of everything before it, in 6 base62 characters, so a mistyped
 * or truncated token is refused without any lookup.
 */
final class TokenCodec {
  static final int PREFIX_LENGTH = 4;
  static final int ID_LENGTH = 10;
  static final int SECRET_LENGTH = 22;
  static final int CHECKSUM_LENGTH = 6;
  static final int ID_END = PREFIX_LENGTH + ID_LENGTH;
  static final int SECRET_START = ID_END + 1;
  static final int BODY_LENGTH = SECRET_START + SECRET_LENGTH;
  static final int TOKEN_LENGTH = BODY_LENGTH + CHECKSUM_LENGTH;

  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final byte[] DIGIT = new byte[256];
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    java.util.Arrays.fill(DIGIT, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      DIGIT[ALPHABET.charAt(i)] = (byte) i;
    }
  }

  /** What {@link #check} found; everything but {@link #VALID} and {@link #FOREIGN} is malformed. */
  enum Shape {
    VALID(""),
    /** Not a Gatehouse token at all: maybe an imported token of another format. */
    FOREIGN(""),
    EMPTY("the token is empty"),
    BAD_LENGTH("the token does not have the length of a Gatehouse token"),
    BAD_CHARACTERS("the token contains characters a Gatehouse token never has"),
    BAD_CHECKSUM("the token's checksum does not match: it was mistyped or altered");

    final String detail;

    Shape(String detail) {
      this.detail = detail;
    }
  }

  private TokenCodec() {}

  /**
   * Classifies {@code text}. The checksum is tested first (one copy to bytes and one CRC32, a JIT
   * intrinsic), since that is what refuses a mistyped or made-up token; the characters of the id
   * and secret are validated only when it matches.
   */
  static Shape check(String text) {
    if (text.isEmpty()) {
      return Shape.EMPTY;
    }
    if (TokenKind.ofPrefix(text) == null) {
      return Shape.FOREIGN;
    }
    if (text.length() != TOKEN_LENGTH) {
      return Shape.BAD_LENGTH;
    }
    return checkBytes(bytesOf(text));
  }

  /**
   * The token's characters as bytes, one per character: for a {@link Shape#VALID} token (ASCII
   * only) these are also its UTF-8 bytes, so the authenticator hashes this one copy. Characters
   * beyond Latin-1 become '?', which is no base62 digit: {@link #checkBytes} refuses them.
   */
  static byte[] bytesOf(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * {@link #check} of a token that has a known prefix and {@link #TOKEN_LENGTH} characters, given
   * as {@link #bytesOf} it: {@link Shape#VALID}, {@link Shape#BAD_CHARACTERS} or {@link
   * Shape#BAD_CHECKSUM}.
   */
  static Shape checkBytes(byte[] bytes) {
    // Fewer bytes than characters: a surrogate pair (an emoji, say) became one '?'.
    if (bytes.length != TOKEN_LENGTH || !isBase62(bytes, BODY_LENGTH, TOKEN_LENGTH)) {
      return Shape.BAD_CHARACTERS;
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, BODY_LENGTH);
    if (decode(bytes, BODY_LENGTH, TOKEN_LENGTH) != crc.getValue()) {
      return Shape.BAD_CHECKSUM;
    }
    return isBase62(bytes, PREFIX_LENGTH, ID_END)
            && bytes[ID_END] == '_'
            && isBase62(bytes, SECRET_START, BODY_LENGTH)
        ? Shape.VALID
        : Shape.BAD_CHARACTERS;
  }

  /** The id of a token {@link #check} found {@link Shape#VALID}. */
  static String idOf(String validToken) {
    return validToken.substring(PREFIX_LENGTH, ID_END);
  }

  /** True when {@code id} has the shape of a generated token id. */
  static boolean isTokenId(String id) {
    if (id.length() != ID_LENGTH) {
      return false;
    }
    // Char by char, not via a copy to bytes: a surrogate pair would shorten that copy.
    for (int i = 0; i < ID_LENGTH; i++) {
      char c = id.charAt(i);
      if (c > 0xFF || DIGIT[c] < 0) {
        return false;
      }
    }
    return true;
  }

  /** A fresh random id. */
  static String newId() {
    return random(ID_LENGTH);
  }

  /** A new token of {@code kind} with id {@code id} and a fresh secret. */
  static String newToken(TokenKind kind, String id) {
    String body = kind.prefix() + id + '_' + random(SECRET_LENGTH);
    return body + encode(crc32(body, body.length()), CHECKSUM_LENGTH);
  }

  /** The form of a token shown in listings: its prefix and id, the secret masked. */
  static String mask(String validToken) {
    return validToken.substring(0, SECRET_START) + "****";
  }

  /** The masked form of an imported token: at most its first 4 characters. */
  static String maskForeign(String token) {
    int shown = Math.min(4, token.length() / 4);
    return io.gatehouse.core.Redact.safe(token.substring(0, shown)) + "****";
  }

  static @Nullable TokenKind kindOf(String validToken) {
    return TokenKind.ofPrefix(validToken);
  }

  private static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
    }
    return new String(out);
  }

  /**
   * True when every byte in {@code [from, to)} is a base62 digit. No early exit: a non-digit's
   * table entry is -1, so OR-ing the entries leaves the sign bit set; the loop is then independent
   * loads the JIT unrolls, about twice as fast as a test per byte on a valid token.
   */
  private static boolean isBase62(byte[] bytes, int from, int to) {
    int digits = 0;
    for (int i = from; i < to; i++) {
      digits |= DIGIT[bytes[i] & 0xFF];
    }
    return digits >= 0;
  }

  /**
   * CRC-32 (IEEE) of the first {@code length} chars of {@code text}, which are ASCII. {@link CRC32}
   * over bytes is a JIT intrinsic: faster than any table loop over chars, even with the copy.
   */
  static long crc32(String text, int length) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.ISO_8859_1), 0, length);
    return crc.getValue();
  }

  static String encode(long value, int width) {
    char[] out = new char[width];
    long rest = value;
    for (int i = width - 1; i >= 0; i--) {
      out[i] = ALPHABET.charAt((int) (rest % 62));
      rest /= 62;
    }
    return new String(out);
  }

  private static long decode(byte[] bytes, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      value = value * 62 + DIGIT[bytes[i] & 0xFF];
    }
    return value;
  }
}
