package io.gatehouse.jwks;

import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compact JWS whose structure and header passed inspection; its signature is not yet verified.
 * Holds its byte arrays without copying: it never leaves the verification layer.
 */
final class ParsedJws {
  private final Map<String, Object> header;
  private final String alg;
  private final @Nullable String kid;
  private final byte[] payload;
  private final String text;
  private final int from;
  private final int signingInputLength;
  private final byte[] signature;
  private final @Nullable TokenBuffer scanned;
  private final long generation;

  /**
   * @param header the protected header
   * @param alg the header's algorithm, one Gatehouse supports
   * @param kid the header's key id, if any
   * @param payload the decoded payload (unverified)
   * @param text the text holding the token, checked to be base64url and dots from {@code from}
   * @param from where the token starts in {@code text}
   * @param signingInputEnd where the signing input (header, dot, payload) ends in {@code text}
   * @param signature the decoded signature
   * @param scanned the buffer the token was read into in one pass (its ASCII bytes hold the signing
   *     input until the thread's next token), or null
   */
  ParsedJws(
      Map<String, Object> header,
      String alg,
      @Nullable String kid,
      byte[] payload,
      String text,
      int from,
      int signingInputEnd,
      byte[] signature,
      @Nullable TokenBuffer scanned) {
    this.header = header;
    this.alg = alg;
    this.kid = kid;
    this.payload = payload;
    this.text = text;
    this.from = from;
    this.signingInputLength = signingInputEnd - from;
    this.signature = signature;
    this.scanned = scanned;
    this.generation = scanned == null ? 0 : scanned.generation;
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
   * once. A token scanned on this thread, verified before the thread read another, is already there
   * (no copy at all); otherwise (a verify on another thread after an asynchronous key lookup, or
   * after another token) the bytes are copied from the token's text again.
   */
  byte[] signingInputBuffer() {
    TokenBuffer buffer = TokenBuffer.mine();
    if (buffer == scanned && buffer.generation == generation) {
      return buffer.ascii;
    }
    byte[] ascii = buffer.ascii(signingInputLength);
    for (int i = 0; i < signingInputLength; i++) {
      ascii[i] = (byte) text.charAt(from + i);
    }
    return ascii;
  }

  /** The decoded signature. */
  byte[] signature() {
    return signature;
  }
}
