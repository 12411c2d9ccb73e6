package io.gatehouse.jwks;

import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compact JWS whose structure and header passed inspection; its signature is not yet verified.
 * Holds its byte arrays without copying: it never leaves the verification layer.
 */
final class ParsedJws {
  private static final ThreadLocal<byte[][]> BUFFER = ThreadLocal.withInitial(() -> new byte[1][]);

  private final Map<String, Object> header;
  private final String alg;
  private final @Nullable String kid;
  private final byte[] payload;
  private final String text;
  private final int from;
  private final int signingInputLength;
  private final byte[] signature;

  /**
   * @param header the protected header
   * @param alg the header's algorithm, one Gatehouse supports
   * @param kid the header's key id, if any
   * @param payload the decoded payload (unverified)
   * @param text the text holding the token, checked to be base64url and dots from {@code from}
   * @param from where the token starts in {@code text}
   * @param signingInputEnd where the signing input (header, dot, payload) ends in {@code text}
   * @param signature the decoded signature
   */
  ParsedJws(
      Map<String, Object> header,
      String alg,
      @Nullable String kid,
      byte[] payload,
      String text,
      int from,
      int signingInputEnd,
      byte[] signature) {
    this.header = header;
    this.alg = alg;
    this.kid = kid;
    this.payload = payload;
    this.text = text;
    this.from = from;
    this.signingInputLength = signingInputEnd - from;
    this.signature = signature;
  }

  Map<String, Object> header() {
    return header;
  }

  String alg() {
    return alg;
  }

  @Nullable String kid() {
    return kid;
  }

  byte[] payload() {
    return payload;
  }

  /** The length of the signing input, in bytes (it is ASCII). */
  int signingInputLength() {
    return signingInputLength;
  }

  /** A copy of the ASCII bytes the signature covers, for APIs that take a whole array. */
  byte[] signingInput() {
    return Arrays.copyOf(signingInputBuffer(), signingInputLength);
  }

  /**
   * The signing input's ASCII bytes in this thread's reused buffer (its first {@link
   * #signingInputLength()} bytes), valid until this thread's next call: for a verifier to read at
   * once. A cold verify then copies the token into no new array.
   */
  byte[] signingInputBuffer() {
    byte[][] holder = BUFFER.get();
    byte[] buffer = holder[0];
    if (buffer == null || buffer.length < signingInputLength) {
      buffer = new byte[Math.max(signingInputLength, 1024)];
      holder[0] = buffer;
    }
    for (int i = 0; i < signingInputLength; i++) {
      buffer[i] = (byte) text.charAt(from + i);
    }
    return buffer;
  }

  byte[] signature() {
    return signature;
  }
}
