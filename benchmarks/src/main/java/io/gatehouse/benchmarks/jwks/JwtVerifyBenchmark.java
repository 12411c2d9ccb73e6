package io.gatehouse.benchmarks.jwks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Settings;
import io.gatehouse.jwks.IssuerConfig;
import io.gatehouse.jwks.Issuers;
import io.gatehouse.jwks.JwtAuthenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One RS256 and one HS256 token verified by Gatehouse's authenticator (verified-token cache off: a
 * cold verify every time), by raw jose4j {@code JwtConsumer}, by Nimbus {@code DefaultJWTProcessor}
 * and by auth0 java-jwt, each checking the same things: signature, issuer, audience, exp/iat with
 * 60 s skew, subject present. Plus a Gatehouse verified-token cache hit. Gatehouse's keys come from
 * a loopback JWKS fetched once in setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JwtVerifyBenchmark {
  private static final String ISS = "https://idp.bench";
  private static final String AUD = "api";
  private static final byte[] SECRET =
      "bench-secret-bench-secret-bench-secret!!".getBytes(StandardCharsets.US_ASCII);

  private HttpServer server;
  private String rsToken;
  private String hsToken;
  private JwtAuthenticator gatehouseCold;
  private JwtAuthenticator gatehouseCached;
  private AuthContext rsContext;
  private AuthContext hsContext;
  private JwtConsumer jose4jRs;
  private JwtConsumer jose4jHs;
  private DefaultJWTProcessor<SecurityContext> nimbusRs;
  private DefaultJWTProcessor<SecurityContext> nimbusHs;
  private JWTVerifier auth0Rs;
  private JWTVerifier auth0Hs;
  private java.security.PublicKey rsPublicKey;
  private byte[] rsSigningInput;
  private byte[] rsSignature;
  private byte[] hsSigningInput;
  private byte[] hsSignature;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RsaJsonWebKey rsa = RsaJwkGenerator.generateJwk(2048);
    rsa.setKeyId("bench-rsa");
    rsa.setAlgorithm("RS256");
    rsa.setUse("sig");
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISS);
    claims.setAudience(AUD);
    claims.setSubject("alice");
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(24 * 60);
    claims.setStringClaim("scope", "read:items write:items");
    rsToken = sign(claims, rsa.getPrivateKey(), AlgorithmIdentifiers.RSA_USING_SHA256, "bench-rsa");
    hsToken = sign(claims, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256, null);

    byte[] jwks =
        new JsonWebKeySet(List.of(rsa))
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            .getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(
        "/jwks.json",
        exchange -> {
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    Issuers issuers =
        Issuers.of(
            IssuerConfig.builder(ISS).jwksUrl(url).audience(AUD).build(),
            IssuerConfig.builder(ISS + "/hs").hmacSecret(SECRET).audience(AUD).build());
    gatehouseCold = JwtAuthenticator.builder().issuers(issuers).tokenCacheSize(0).build();
    gatehouseCached = JwtAuthenticator.builder().issuers(issuers).build();
    gatehouseCold.prefetch(issuers).get(10, TimeUnit.SECONDS);
    gatehouseCached.prefetch(issuers).get(10, TimeUnit.SECONDS);
    claims.setIssuer(ISS + "/hs");
    hsToken = sign(claims, new HmacKey(SECRET), AlgorithmIdentifiers.HMAC_SHA256, null);
    rsContext = context(rsToken);
    hsContext = context(hsToken);
    requireSuccess(gatehouseCold.authenticate(rsContext).toCompletableFuture().join());
    requireSuccess(gatehouseCold.authenticate(hsContext).toCompletableFuture().join());
    requireSuccess(gatehouseCached.authenticate(rsContext).toCompletableFuture().join());

    jose4jRs = jose4j(rsa.getPublicKey(), ISS, AlgorithmIdentifiers.RSA_USING_SHA256);
    jose4jHs = jose4j(new HmacKey(SECRET), ISS + "/hs", AlgorithmIdentifiers.HMAC_SHA256);
    jose4jRs.process(rsToken);
    jose4jHs.process(hsToken);

    nimbusRs = nimbus(ISS);
    nimbusRs.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256,
            new ImmutableJWKSet<>(
                com.nimbusds.jose.jwk.JWKSet.parse(new String(jwks, StandardCharsets.UTF_8)))));
    nimbusHs = nimbus(ISS + "/hs");
    nimbusHs.setJWSKeySelector(
        new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(SECRET)));
    nimbusRs.process(rsToken, null);
    nimbusHs.process(hsToken, null);

    auth0Rs =
        JWT.require(Algorithm.RSA256((RSAPublicKey) rsa.getPublicKey(), null))
            .withIssuer(ISS)
            .withAudience(AUD)
            .withClaimPresence("sub")
            .withClaimPresence("exp")
            .acceptLeeway(60)
            .build();
    auth0Hs =
        JWT.require(Algorithm.HMAC256(SECRET))
            .withIssuer(ISS + "/hs")
            .withAudience(AUD)
            .withClaimPresence("sub")
            .withClaimPresence("exp")
            .acceptLeeway(60)
            .build();
    auth0Rs.verify(rsToken);
    auth0Hs.verify(hsToken);

    rsPublicKey = rsa.getPublicKey();
    rsSigningInput = signingInput(rsToken);
    rsSignature = signature(rsToken);
    hsSigningInput = signingInput(hsToken);
    hsSignature = signature(hsToken);
    if (!rs256Jca() || !hs256Jca()) {
      throw new IllegalStateException("bare JCA verify failed");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.stop(0);
  }

  private static String sign(JwtClaims claims, java.security.Key key, String alg, String kid)
      throws Exception {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key);
    jws.setAlgorithmHeaderValue(alg);
    if (kid != null) {
      jws.setKeyIdHeaderValue(kid);
    }
    return jws.getCompactSerialization();
  }

  private static AuthContext context(String token) {
    AuthRequest request = AuthRequest.builder().header("Authorization", "Bearer " + token).build();
    return new AuthContext(
        request, "default", InetAddress.getLoopbackAddress(), Settings.empty(), Instant.now());
  }

  private static void requireSuccess(AuthOutcome outcome) {
    if (!(outcome instanceof AuthOutcome.Success)) {
      throw new IllegalStateException("benchmark token refused: " + outcome);
    }
  }

  private static JwtConsumer jose4j(java.security.Key key, String issuer, String alg) {
    return new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireSubject()
        .setAllowedClockSkewInSeconds(60)
        .setExpectedIssuer(issuer)
        .setExpectedAudience(AUD)
        .setVerificationKey(key)
        .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, alg)
        .build();
  }

  private static DefaultJWTProcessor<SecurityContext> nimbus(String issuer) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            AUD,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            new HashSet<>(Set.of("sub", "exp"))));
    return processor;
  }

  @Benchmark
  public AuthOutcome rs256Gatehouse() {
    return gatehouseCold.authenticate(rsContext).toCompletableFuture().join();
  }

  @Benchmark
  public Object rs256Jose4j() throws Exception {
    return jose4jRs.process(rsToken);
  }

  @Benchmark
  public Object rs256Nimbus() throws Exception {
    return nimbusRs.process(rsToken, null);
  }

  @Benchmark
  public Object rs256Auth0() {
    return auth0Rs.verify(rsToken);
  }

  @Benchmark
  public AuthOutcome hs256Gatehouse() {
    return gatehouseCold.authenticate(hsContext).toCompletableFuture().join();
  }

  @Benchmark
  public Object hs256Jose4j() throws Exception {
    return jose4jHs.process(hsToken);
  }

  @Benchmark
  public Object hs256Nimbus() throws Exception {
    return nimbusHs.process(hsToken, null);
  }

  @Benchmark
  public Object hs256Auth0() {
    return auth0Hs.verify(hsToken);
  }

  /** The RS256 floor: {@code Signature.getInstance} + {@code initVerify} + verify, no checks. */
  @Benchmark
  public boolean rs256Jca() throws Exception {
    java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
    signature.initVerify(rsPublicKey);
    signature.update(rsSigningInput);
    return signature.verify(rsSignature);
  }

  /** The HS256 floor: {@code Mac.getInstance} + init + doFinal, no checks. */
  @Benchmark
  public boolean hs256Jca() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
    return java.security.MessageDigest.isEqual(mac.doFinal(hsSigningInput), hsSignature);
  }

  private static byte[] signingInput(String token) {
    return token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] signature(String token) {
    return java.util.Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
  }

  @Benchmark
  public AuthOutcome cacheHitGatehouse() {
    return gatehouseCached.authenticate(rsContext).toCompletableFuture().join();
  }
}
