package io.gatehouse.jwks;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Settings;
import java.net.InetAddress;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/** Keys, tokens and contexts for tests. */
final class Tokens {
  static final String ISS = "https://idp.test";

  private Tokens() {}

  static PublicJsonWebKey rsa(String kid) {
    return rsa(kid, 2048);
  }

  static PublicJsonWebKey rsa(String kid, int bits) {
    try {
      PublicJsonWebKey key = RsaJwkGenerator.generateJwk(bits);
      key.setKeyId(kid);
      return key;
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  static PublicJsonWebKey ec(String kid) {
    try {
      PublicJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
      key.setKeyId(kid);
      return key;
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  static PublicJsonWebKey ed25519(String kid) {
    try {
      PublicJsonWebKey key = OkpJwkGenerator.generateJwk("Ed25519");
      key.setKeyId(kid);
      return key;
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Standard claims valid for an hour from {@code clock}. */
  static JwtClaims claims(Clock clock) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISS);
    claims.setSubject("alice");
    claims.setAudience("api");
    long now = clock.millis() / 1000;
    claims.setIssuedAt(NumericDate.fromSeconds(now));
    claims.setExpirationTime(NumericDate.fromSeconds(now + 3600));
    claims.setClaim("scope", "read:items write:items");
    claims.setJwtId("jti-1");
    return claims;
  }

  static String sign(JwtClaims claims, PublicJsonWebKey key, String alg) {
    return sign(claims.toJson(), key.getPrivateKey(), alg, key.getKeyId(), Map.of());
  }

  static String sign(
      String payload, Key key, String alg, String kid, Map<String, Object> extraHeaders) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(payload);
      jws.setAlgorithmHeaderValue(alg);
      if (kid != null) {
        jws.setKeyIdHeaderValue(kid);
      }
      extraHeaders.forEach(jws.getHeaders()::setObjectHeaderValue);
      jws.setKey(key);
      jws.setDoKeyValidation(false);
      jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  static AuthContext context(String token, Clock clock) {
    return context(token, clock, Settings.empty(), "default");
  }

  static AuthContext context(String token, Clock clock, Settings settings, String space) {
    AuthRequest request = AuthRequest.builder().header("Authorization", "Bearer " + token).build();
    return new AuthContext(
        request, space, InetAddress.getLoopbackAddress(), settings, clock.instant());
  }

  static AuthOutcome await(java.util.concurrent.CompletionStage<AuthOutcome> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the authenticator did not answer", e);
    }
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  static JsonWebKey publicOnly(PublicJsonWebKey key) {
    try {
      return JsonWebKey.Factory.newJwk(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }
}
