package io.gatehouse.embedding;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * An identity provider on a loopback port: a JWKS with one RS256 key at {@code /jwks.json}, and the
 * signing of test JWTs (RS256 with that key, HS256 with a given secret), all for {@value
 * #AUDIENCE}.
 */
final class JwtIssuer implements AutoCloseable {
  static final String AUDIENCE = "api";

  private final HttpServer server;
  private final RsaJsonWebKey key;

  JwtIssuer() throws IOException, JoseException {
    key = RsaJwkGenerator.generateJwk(2048);
    key.setKeyId("embed-key-1");
    key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
    key.setUse("sig");
    byte[] jwks =
        new JsonWebKeySet(key)
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            .getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks.json",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    server.start();
  }

  /** Where the keys are, e.g. {@code http://127.0.0.1:PORT/jwks.json}. */
  String jwksUrl() {
    return origin() + "/jwks.json";
  }

  /** The issuer {@code gatehouse jwks URL} assumes when none is given: the URL's origin. */
  String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** An RS256 JWT from {@link #origin()}, signed with the key the JWKS publishes. */
  String rs256(String subject) throws JoseException {
    JsonWebSignature jws = signed(origin(), subject);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setKey(key.getPrivateKey());
    return jws.getCompactSerialization();
  }

  /** An HS256 JWT from {@code issuer}, signed with {@code secret}. */
  static String hs256(byte[] secret, String issuer, String subject) throws JoseException {
    JsonWebSignature jws = signed(issuer, subject);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKey(new HmacKey(secret));
    jws.setDoKeyValidation(false);
    return jws.getCompactSerialization();
  }

  private static JsonWebSignature signed(String issuer, String subject) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject(subject);
    claims.setAudience(AUDIENCE);
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(10);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    return jws;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
