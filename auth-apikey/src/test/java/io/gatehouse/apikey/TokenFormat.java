package io.gatehouse.apikey;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The token format read independently of {@link TokenCodec}, as the fuzz targets' oracle: a regex
 * for the characters and {@code java.util.zip.CRC32} over the ASCII body, base62 in 6 digits.
 */
final class TokenFormat {
  static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final Pattern SHAPE =
      Pattern.compile("(ghk_|gha_)[0-9A-Za-z]{10}_[0-9A-Za-z]{22}[0-9A-Za-z]{6}");

  private TokenFormat() {}

  /** The kind of a well-formed token with the right checksum, else null. */
  static @Nullable TokenKind validKind(String text) {
    if (!SHAPE.matcher(text).matches() || !checksumOf(text.substring(0, 37)).equals(tail(text))) {
      return null;
    }
    return text.startsWith("ghk_") ? TokenKind.API : TokenKind.ADMIN;
  }

  /** True when the text starts with a Gatehouse prefix (so it is never a foreign token). */
  static boolean hasGatehousePrefix(String text) {
    return text.startsWith("ghk_") || text.startsWith("gha_");
  }

  /** The 6 base62 digits of the CRC-32 of an ASCII body. */
  static String checksumOf(String body) {
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    char[] out = new char[6];
    long rest = crc.getValue();
    for (int i = 5; i >= 0; i--) {
      out[i] = ALPHABET.charAt((int) (rest % 62));
      rest /= 62;
    }
    return new String(out);
  }

  /** A token of {@code kind} with the given id and secret and its checksum. */
  static String token(TokenKind kind, String id, String secret) {
    String body = kind.prefix() + id + "_" + secret;
    return body + checksumOf(body);
  }

  private static String tail(String text) {
    return text.substring(text.length() - 6);
  }
}
