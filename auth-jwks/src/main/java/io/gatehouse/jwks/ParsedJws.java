package io.gatehouse.jwks;

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
  private final byte[] signingInput;
  private final byte[] signature;

  /**
   * @param header the protected header
   * @param alg the header's algorithm, one Gatehouse supports
   * @param kid the header's key id, if any
   * @param payload the decoded payload (unverified)
   * @param signingInput the ASCII bytes the signature covers
   * @param signature the decoded signature
   */
  ParsedJws(
      Map<String, Object> header,
      String alg,
      @Nullable String kid,
      byte[] payload,
      byte[] signingInput,
      byte[] signature) {
    this.header = header;
    this.alg = alg;
    this.kid = kid;
    this.payload = payload;
    this.signingInput = signingInput;
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

  byte[] signingInput() {
    return signingInput;
  }

  byte[] signature() {
    return signature;
  }
}
