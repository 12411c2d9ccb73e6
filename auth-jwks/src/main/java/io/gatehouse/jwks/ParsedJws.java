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
  private final byte[] ascii;
  private final int signingInputLength;
  private final byte[] signature;

  /**
   * @param header the protected header
   * @param alg the header's algorithm, one Gatehouse supports
   * @param kid the header's key id, if any
   * @param payload the decoded payload (unverified)
   * @param ascii the compact token's ASCII bytes; the signature covers the first {@code
   *     signingInputLength} of them
   * @param signingInputLength the length of the signing input, up to the second dot
   * @param signature the decoded signature
   */
  ParsedJws(
      Map<String, Object> header,
      String alg,
      @Nullable String kid,
      byte[] payload,
      byte[] ascii,
      int signingInputLength,
      byte[] signature) {
    this.header = header;
    this.alg = alg;
    this.kid = kid;
    this.payload = payload;
    this.ascii = ascii;
    this.signingInputLength = signingInputLength;
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

  /** The token's ASCII bytes; the signing input is their first {@link #signingInputLength()}. */
  byte[] ascii() {
    return ascii;
  }

  int signingInputLength() {
    return signingInputLength;
  }

  /** A copy of the ASCII bytes the signature covers, for APIs that take a whole array. */
  byte[] signingInput() {
    return Arrays.copyOf(ascii, signingInputLength);
  }

  byte[] signature() {
    return signature;
  }
}
