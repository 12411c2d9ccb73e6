package io.gatehouse.jwks;

import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses a compact JWS strictly and inspects its header before any key is looked up: exactly three
 * canonical base64url parts, a JSON object header with a supported {@code alg}, and none of the
 * header parameters that would let a token choose its own key or change how it is processed.
 */
final class JwsParser {

  /** Header parameters that carry or point at a key: the token must never choose its key. */
  private static final Set<String> KEY_CARRYING_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");

  /** The longest {@code kid} accepted. */
  static final int MAX_KID_LENGTH = 256;

  private JwsParser() {}

  /** Reads a JSON object, or returns null when the text is not one. */
  @FunctionalInterface
  interface JsonReader {
    @Nullable Map<String, Object> read(String text);
  }

  /** Parses {@code compact}, which is at most {@code maxLength} characters. */
  static ParsedJws parse(String compact, int maxLength) throws Refusal {
    return parse(compact, maxLength, JsonObjects::parse);
  }

  /**
   * Parses {@code compact} reading its header with {@code json}; tests pass jose4j's own reader to
   * compare the fast path with the reference one.
   */
  static ParsedJws parse(String compact, int maxLength, JsonReader json) throws Refusal {
    if (compact.isEmpty()) {
      throw new Refusal(Reason.MALFORMED, "empty token");
    }
    if (compact.length() > maxLength) {
      throw new Refusal(
          Reason.MALFORMED, "token longer than " + maxLength + " characters: " + compact.length());
    }
    int first = compact.indexOf('.');
    int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
    if (first < 0 || second < 0) {
      throw new Refusal(Reason.MALFORMED, "not a compact JWS: expected three parts");
    }
    if (compact.indexOf('.', second + 1) >= 0) {
      int parts = (int) compact.chars().filter(c -> c == '.').count() + 1;
      throw new Refusal(
          Reason.MALFORMED,
          parts == 5
              ? "encrypted tokens (JWE) are not accepted"
              : "not a compact JWS: " + parts + " parts");
    }
    requireBase64Url(compact, 0, first, "header");
    requireBase64Url(compact, first + 1, second, "payload");
    requireBase64Url(compact, second + 1, compact.length(), "signature");
    // Every character is now ASCII: one copy of the token serves the three parts and the input
    // the signature covers, with no substring per part.
    byte[] ascii = compact.getBytes(StandardCharsets.US_ASCII);
    byte[] headerBytes = decode(ascii, 0, first);
    byte[] payload = decode(ascii, first + 1, second);
    byte[] signature = decode(ascii, second + 1, ascii.length);
    if (headerBytes.length == 0) {
      throw new Refusal(Reason.MALFORMED, "empty header");
    }
    Map<String, Object> header = parseJsonObject(headerBytes, "header", json);
    String alg = inspectHeader(header);
    Object kidValue = header.get("kid");
    String kid = null;
    if (kidValue != null) {
      if (!(kidValue instanceof String kidText) || kidText.length() > MAX_KID_LENGTH) {
        throw new Refusal(Reason.MALFORMED, "kid must be a string of at most 256 characters");
      }
      kid = kidText;
    }
    if (signature.length == 0) {
      throw new Refusal(Reason.BAD_SIGNATURE, "the token has no signature");
    }
    byte[] signingInput = java.util.Arrays.copyOf(ascii, second);
    return new ParsedJws(header, alg, kid, payload, signingInput, signature);
  }

  /** Checks the header and returns its algorithm. */
  private static String inspectHeader(Map<String, Object> header) throws Refusal {
    Object algValue = header.get("alg");
    if (!(algValue instanceof String alg)) {
      throw new Refusal(Reason.MALFORMED, "header has no alg");
    }
    if (alg.toLowerCase(Locale.ROOT).equals("none")) {
      throw new Refusal(Reason.BAD_SIGNATURE, "unsigned tokens (alg none) are not accepted");
    }
    if (header.containsKey("enc")) {
      throw new Refusal(Reason.MALFORMED, "encrypted tokens (JWE) are not accepted");
    }
    if (!Algorithms.isSupported(alg)) {
      throw new Refusal(Reason.BAD_SIGNATURE, "algorithm '" + Redact.safe(alg) + "' not accepted");
    }
    for (String name : KEY_CARRYING_HEADERS) {
      if (header.containsKey(name)) {
        throw new Refusal(
            Reason.MALFORMED,
            "header parameter '" + name + "' is not accepted: keys are configured");
      }
    }
    if (header.containsKey("crit")) {
      // No extension is understood, so every critical one is unknown (RFC 7515 section 4.1.11).
      throw new Refusal(Reason.MALFORMED, "critical header extensions are not supported");
    }
    if (header.containsKey("b64")) {
      throw new Refusal(Reason.MALFORMED, "unencoded payloads (b64) are not accepted");
    }
    Object cty = header.get("cty");
    if (cty instanceof String contentType && contentType.equalsIgnoreCase("JWT")) {
      throw new Refusal(Reason.MALFORMED, "nested tokens are not accepted");
    }
    return alg;
  }

  static Map<String, Object> parseJsonObject(byte[] json, String what, JsonReader reader)
      throws Refusal {
    String text = new String(json, StandardCharsets.UTF_8);
    Map<String, Object> map = reader.read(text);
    if (map == null) {
      throw new Refusal(Reason.MALFORMED, what + " is not a JSON object");
    }
    return map;
  }

  /**
   * Decodes {@code text[from, to)} as canonical unpadded base64url: the alphabet only, no padding,
   * no impossible length, and zero unused bits in the last character, so that one value has exactly
   * one encoding.
   */
  /** Decodes {@code ascii[from, to)}, already checked by {@link #requireBase64Url}. */
  private static byte[] decode(byte[] ascii, int from, int to) {
    java.nio.ByteBuffer decoded =
        Base64.getUrlDecoder().decode(java.nio.ByteBuffer.wrap(ascii, from, to - from));
    byte[] array = decoded.array();
    return decoded.arrayOffset() == 0 && decoded.remaining() == array.length
        ? array
        : java.util.Arrays.copyOfRange(
            array,
            decoded.arrayOffset() + decoded.position(),
            decoded.arrayOffset() + decoded.limit());
  }

  /**
   * Checks that {@code text[from, to)} is canonical unpadded base64url: the alphabet only, no
   * padding, no impossible length, and zero unused bits in the last character.
   */
  static void requireBase64Url(String text, int from, int to, String what) throws Refusal {
    int length = to - from;
    if (length % 4 == 1) {
      throw new Refusal(Reason.MALFORMED, what + " is not base64url");
    }
    for (int i = from; i < to; i++) {
      if (sextet(text.charAt(i)) < 0) {
        throw new Refusal(Reason.MALFORMED, what + " is not base64url");
      }
    }
    if (length > 0) {
      int last = sextet(text.charAt(to - 1));
      int unusedBits = length % 4 == 2 ? 4 : length % 4 == 3 ? 2 : 0;
      if ((last & ((1 << unusedBits) - 1)) != 0) {
        throw new Refusal(Reason.MALFORMED, what + " is not canonical base64url");
      }
    }
  }

  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    if (c == '_') {
      return 63;
    }
    return -1;
  }

  /** Reads a header's string value, or null. */
  static @Nullable String string(Map<String, Object> map, String name) {
    Object value = map.get(name);
    return value instanceof String text ? text : null;
  }
}
