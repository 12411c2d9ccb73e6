package io.gatehouse.spring.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Compact JWTs for the tests, signed with the JDK. */
final class Jwts {
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  static String hs256(byte[] key, String issuer, String subject, String scope, Instant now) {
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    String payload =
        "{\"iss\":\""
            + issuer
            + "\",\"aud\":\"api\",\"sub\":\""
            + subject
            + "\",\"scope\":\""
            + scope
            + "\",\"iat\":"
            + now.getEpochSecond()
            + ",\"exp\":"
            + now.plusSeconds(3600).getEpochSecond()
            + "}";
    String signingInput = encode(header) + "." + encode(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return signingInput
          + "."
          + BASE64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JWT naming {@code issuer} and key {@code kid}, whose signature never verifies. */
  static String unsigned(String issuer, String kid, Instant now) {
    String header = "{\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}";
    String payload =
        "{\"iss\":\""
            + issuer
            + "\",\"aud\":\"api\",\"sub\":\"someone\",\"exp\":"
            + now.plusSeconds(3600).getEpochSecond()
            + "}";
    return encode(header) + "." + encode(payload) + "." + BASE64.encodeToString(new byte[256]);
  }

  static String encode(String json) {
    return BASE64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
