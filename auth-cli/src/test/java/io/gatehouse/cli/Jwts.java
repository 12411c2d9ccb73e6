package io.gatehouse.cli;

import java.util.Base64;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;

/** Signs test JWTs, for the audience {@value #AUDIENCE}. */
final class Jwts {
  static final String AUDIENCE = "api";

  private Jwts() {}

  static String hs256(String base64UrlSecret, String issuer, String subject) throws Exception {
    return hs256(Base64.getUrlDecoder().decode(base64UrlSecret), issuer, subject);
  }

  static String hs256(byte[] key, String issuer, String subject) throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject(subject);
    claims.setAudience(AUDIENCE);
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(10);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKey(new HmacKey(key));
    jws.setDoKeyValidation(false);
    return jws.getCompactSerialization();
  }
}
