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
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.EllipticCurves;
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
 * One token per algorithm family (RS256 and PS256 with a 2048-bit RSA key, ES256 on P-256, EdDSA
 * with Ed25519, HS256 with a 40-byte secret), the same claims in each, verified by:
 *
 * <ul>
 *   <li>{@code <family>Gatehouse}: Gatehouse's authenticator with the verified-token cache off (a
 *       cold verify every time), keys from a loopback JWKS fetched once in setup;
 *   <li>{@code <family>GatehouseCached}: the same with the cache on (a cache hit);
 *   <li>{@code <family>Jose4j} ({@code JwtConsumer}), {@code <family>Nimbus} ({@code
 *       DefaultJWTProcessor}; no EdDSA row, as Nimbus verifies Ed25519 only with Google Tink),
 *       {@code <family>Auth0} (java-jwt: RS, ES and HS only), {@code <family>Jjwt} (jjwt 0.13);
 *   <li>{@code <family>Jca}: the floor, the bare JDK verify of the same signing input ({@code
 *       Signature.getInstance} + {@code initVerify} + {@code verify}, or {@code Mac.getInstance} +
 *       {@code init} + {@code doFinal}), with no parsing and no checks;
 *   <li>{@code <family>CryptoAlone}: the crypto a cold Gatehouse verify runs, alone: a {@code
 *       Signature} (or {@code Mac}) initialised once in setup, then {@code update} + {@code verify}
 *       (or {@code doFinal} and a constant-time compare) per call, as Gatehouse's reused instances
 *       do. {@code <family>Gatehouse} minus this row is the time Gatehouse spends around the
 *       signature (parsing, key lookup, claims, identity), measured rather than inferred from a
 *       profile; it is neither a floor nor a peer, so the report gives it no ratio.
 * </ul>
 *
 * Every library checks the same things: the signature, the algorithm pinned, {@code iss}, {@code
 * aud}, {@code exp} required with 60 s skew, {@code sub} present.
 *
 * <p>Single-threaded (JMH's default, and {@code ./bench}'s): the reused {@code Signature} and
 * {@code Mac} instances of the {@code CryptoAlone} rows are shared state, not safe with {@code -t
 * 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JwtVerifyBenchmark {
  private static final String ISS = "https://idp.bench";
  private static final String HS_ISS = ISS + "/hs";
  private static final String AUD = "api";
  private static final byte[] SECRET =
      "bench-secret-bench-secret-bench-secret!!".getBytes(StandardCharsets.US_ASCII);

  /** One algorithm family's token and every library's verifier for it. */
  static final class Family {
    final String alg;
    final String token;
    final AuthContext context;
    final byte[] signingInput;
    final byte[] signature;
    Signature reused;
    JwtConsumer jose4j;
    DefaultJWTProcessor<SecurityContext> nimbus;
    JWTVerifier auth0;
    JwtParser jjwt;

    Family(String alg, String token) {
      this.alg = alg;
      this.token = token;
      this.context = context(token);
      int lastDot = token.lastIndexOf('.');
      this.signingInput = token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
      this.signature = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
    }
  }

  private HttpServer server;
  private JwtAuthenticator gatehouseCold;
  private JwtAuthenticator gatehouseCached;
  private PublicKey rsaKey;
  private PublicKey ecKey;
  private PublicKey edKey;
  private Family rs;
  private Family ps;
  private Family es;
  private Family ed;
  private Family hs;
  private Mac reusedMac;
  private byte[] expectedMac;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    PublicJsonWebKey rsa = RsaJwkGenerator.generateJwk(2048);
    rsa.setKeyId("bench-rsa");
    rsa.setAlgorithm("RS256");
    rsa.setUse("sig");
    // The same RSA key pair, published a second time bound to PS256 (a JWK serves one alg).
    PublicJsonWebKey pss =
        PublicJsonWebKey.Factory.newPublicJwk(
            rsa.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
    pss.setKeyId("bench-pss");
    pss.setAlgorithm("PS256");
    PublicJsonWebKey ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
    ec.setKeyId("bench-ec");
    ec.setAlgorithm("ES256");
    ec.setUse("sig");
    PublicJsonWebKey okp = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
    okp.setKeyId("bench-ed");
    okp.setAlgorithm("EdDSA");
    okp.setUse("sig");
    rsaKey = rsa.getPublicKey();
    ecKey = ec.getPublicKey();
    edKey = okp.getPublicKey();

    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISS);
    claims.setAudience(AUD);
    claims.setSubject("alice");
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(24 * 60);
    claims.setStringClaim("scope", "read:items write:items");
    rs = new Family("RS256", sign(claims, rsa.getPrivateKey(), "RS256", "bench-rsa"));
    ps = new Family("PS256", sign(claims, rsa.getPrivateKey(), "PS256", "bench-pss"));
    es = new Family("ES256", sign(claims, ec.getPrivateKey(), "ES256", "bench-ec"));
    ed = new Family("EdDSA", sign(claims, okp.getPrivateKey(), "EdDSA", "bench-ed"));
    claims.setIssuer(HS_ISS);
    hs = new Family("HS256", sign(claims, new HmacKey(SECRET), "HS256", null));

    String jwksJson =
        new JsonWebKeySet(List.of(rsa, pss, ec, okp))
            .toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    byte[] jwks = jwksJson.getBytes(StandardCharsets.UTF_8);
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
            IssuerConfig.builder(HS_ISS).hmacSecret(SECRET).audience(AUD).build());
    gatehouseCold = JwtAuthenticator.builder().issuers(issuers).tokenCacheSize(0).build();
    gatehouseCached = JwtAuthenticator.builder().issuers(issuers).build();
    gatehouseCold.prefetch(issuers).get(10, TimeUnit.SECONDS);
    gatehouseCached.prefetch(issuers).get(10, TimeUnit.SECONDS);

    com.nimbusds.jose.jwk.JWKSet nimbusKeys = com.nimbusds.jose.jwk.JWKSet.parse(jwksJson);
    for (Family f : List.of(rs, ps, es, ed, hs)) {
      boolean hmac = f == hs;
      String issuer = hmac ? HS_ISS : ISS;
      Key key = hmac ? new HmacKey(SECRET) : f == rs || f == ps ? rsaKey : f == es ? ecKey : edKey;
      f.jose4j = jose4j(key, issuer, f.alg);
      if (f != ed) {
        f.nimbus = nimbus(issuer);
        f.nimbus.setJWSKeySelector(
            hmac
                ? new JWSVerificationKeySelector<>(
                    JWSAlgorithm.HS256, new ImmutableSecret<>(SECRET))
                : new JWSVerificationKeySelector<>(
                    JWSAlgorithm.parse(f.alg), new ImmutableJWKSet<>(nimbusKeys)));
      }
      io.jsonwebtoken.JwtParserBuilder parser = Jwts.parser();
      if (hmac) {
        parser.verifyWith(Keys.hmacShaKeyFor(SECRET));
      } else {
        parser.verifyWith((PublicKey) key);
      }
      f.jjwt = parser.requireIssuer(issuer).requireAudience(AUD).clockSkewSeconds(60).build();
    }
    rs.auth0 = auth0(Algorithm.RSA256((RSAPublicKey) rsaKey, null), ISS);
    es.auth0 = auth0(Algorithm.ECDSA256((ECPublicKey) ecKey, null), ISS);
    hs.auth0 = auth0(Algorithm.HMAC256(SECRET), HS_ISS);

    rs.reused = initialised("SHA256withRSA", rsaKey);
    ps.reused = initialised("RSASSA-PSS", rsaKey);
    es.reused = initialised("SHA256withECDSAinP1363Format", ecKey);
    ed.reused = initialised("Ed25519", edKey);
    reusedMac = Mac.getInstance("HmacSHA256");
    reusedMac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    expectedMac = new byte[reusedMac.getMacLength()];

    // Every row must succeed before it is timed.
    for (Family f : List.of(rs, ps, es, ed, hs)) {
      requireSuccess(gatehouseCold.authenticate(f.context).toCompletableFuture().join(), f.alg);
      requireSuccess(gatehouseCached.authenticate(f.context).toCompletableFuture().join(), f.alg);
      f.jose4j.process(f.token);
      if (f.nimbus != null) {
        f.nimbus.process(f.token, null);
      }
      if (f.auth0 != null) {
        f.auth0.verify(f.token);
      }
      jjwt(f);
    }
    if (!rs256Jca() || !ps256Jca() || !es256Jca() || !eddsaJca() || !hs256Jca()) {
      throw new IllegalStateException("bare JCA verify failed");
    }
    if (!rs256CryptoAlone()
        || !ps256CryptoAlone()
        || !es256CryptoAlone()
        || !eddsaCryptoAlone()
        || !hs256CryptoAlone()) {
      throw new IllegalStateException("reused JCA verify failed");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.stop(0);
  }

  private static String sign(JwtClaims claims, Key key, String alg, String kid) throws Exception {
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

  private static void requireSuccess(AuthOutcome outcome, String alg) {
    if (!(outcome instanceof AuthOutcome.Success)) {
      throw new IllegalStateException("benchmark " + alg + " token refused: " + outcome);
    }
  }

  private static JwtConsumer jose4j(Key key, String issuer, String alg) {
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

  private static JWTVerifier auth0(Algorithm algorithm, String issuer) {
    return JWT.require(algorithm)
        .withIssuer(issuer)
        .withAudience(AUD)
        .withClaimPresence("sub")
        .withClaimPresence("exp")
        .acceptLeeway(60)
        .build();
  }

  /**
   * jjwt checks the signature (with the key's family), {@code iss}, {@code aud} and the skewed
   * times; it has no "required" for {@code sub} and {@code exp} and no algorithm pin, so those
   * three are checked here, as the others do them.
   */
  private static Object jjwt(Family f) {
    Jws<Claims> jws = f.jjwt.parseSignedClaims(f.token);
    Claims claims = jws.getPayload();
    if (!f.alg.equals(jws.getHeader().getAlgorithm())
        || claims.getSubject() == null
        || claims.getExpiration() == null) {
      throw new IllegalStateException("jjwt: check failed");
    }
    return claims;
  }

  private static boolean jca(String algorithm, PublicKey key, Family f) throws Exception {
    Signature signature = Signature.getInstance(algorithm);
    if (algorithm.equals("RSASSA-PSS")) {
      signature.setParameter(
          new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    signature.initVerify(key);
    signature.update(f.signingInput);
    return signature.verify(f.signature);
  }

  private static Signature initialised(String algorithm, PublicKey key) throws Exception {
    Signature signature = Signature.getInstance(algorithm);
    if (algorithm.equals("RSASSA-PSS")) {
      signature.setParameter(
          new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    signature.initVerify(key);
    return signature;
  }

  /** The crypto alone, on an instance initialised once (as Gatehouse reuses one per thread). */
  private static boolean reusedVerify(Family f) throws Exception {
    f.reused.update(f.signingInput);
    return f.reused.verify(f.signature);
  }

  // RS256

  @Benchmark
  public AuthOutcome rs256Gatehouse() {
    return gatehouseCold.authenticate(rs.context).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome rs256GatehouseCached() {
    return gatehouseCached.authenticate(rs.context).toCompletableFuture().join();
  }

  @Benchmark
  public Object rs256Jose4j() throws Exception {
    return rs.jose4j.process(rs.token);
  }

  @Benchmark
  public Object rs256Nimbus() throws Exception {
    return rs.nimbus.process(rs.token, null);
  }

  @Benchmark
  public Object rs256Auth0() {
    return rs.auth0.verify(rs.token);
  }

  @Benchmark
  public Object rs256Jjwt() {
    return jjwt(rs);
  }

  /** The RS256 floor: {@code Signature.getInstance} + {@code initVerify} + verify, no checks. */
  @Benchmark
  public boolean rs256Jca() throws Exception {
    return jca("SHA256withRSA", rsaKey, rs);
  }

  /** The crypto of {@code rs256Gatehouse} alone: update + verify on a reused instance. */
  @Benchmark
  public boolean rs256CryptoAlone() throws Exception {
    return reusedVerify(rs);
  }

  // PS256

  @Benchmark
  public AuthOutcome ps256Gatehouse() {
    return gatehouseCold.authenticate(ps.context).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome ps256GatehouseCached() {
    return gatehouseCached.authenticate(ps.context).toCompletableFuture().join();
  }

  @Benchmark
  public Object ps256Jose4j() throws Exception {
    return ps.jose4j.process(ps.token);
  }

  @Benchmark
  public Object ps256Nimbus() throws Exception {
    return ps.nimbus.process(ps.token, null);
  }

  @Benchmark
  public Object ps256Jjwt() {
    return jjwt(ps);
  }

  /** The PS256 floor: as RS256, with the PSS parameters set on the fresh instance. */
  @Benchmark
  public boolean ps256Jca() throws Exception {
    return jca("RSASSA-PSS", rsaKey, ps);
  }

  /** The crypto of {@code ps256Gatehouse} alone: update + verify on a reused instance. */
  @Benchmark
  public boolean ps256CryptoAlone() throws Exception {
    return reusedVerify(ps);
  }

  // ES256

  @Benchmark
  public AuthOutcome es256Gatehouse() {
    return gatehouseCold.authenticate(es.context).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome es256GatehouseCached() {
    return gatehouseCached.authenticate(es.context).toCompletableFuture().join();
  }

  @Benchmark
  public Object es256Jose4j() throws Exception {
    return es.jose4j.process(es.token);
  }

  @Benchmark
  public Object es256Nimbus() throws Exception {
    return es.nimbus.process(es.token, null);
  }

  @Benchmark
  public Object es256Auth0() {
    return es.auth0.verify(es.token);
  }

  @Benchmark
  public Object es256Jjwt() {
    return jjwt(es);
  }

  /** The ES256 floor: the JWS signature (R and S) as is, in the JDK's P1363 format. */
  @Benchmark
  public boolean es256Jca() throws Exception {
    return jca("SHA256withECDSAinP1363Format", ecKey, es);
  }

  /** The crypto of {@code es256Gatehouse} alone: update + verify on a reused instance. */
  @Benchmark
  public boolean es256CryptoAlone() throws Exception {
    return reusedVerify(es);
  }

  // EdDSA (Ed25519)

  @Benchmark
  public AuthOutcome eddsaGatehouse() {
    return gatehouseCold.authenticate(ed.context).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome eddsaGatehouseCached() {
    return gatehouseCached.authenticate(ed.context).toCompletableFuture().join();
  }

  @Benchmark
  public Object eddsaJose4j() throws Exception {
    return ed.jose4j.process(ed.token);
  }

  @Benchmark
  public Object eddsaJjwt() {
    return jjwt(ed);
  }

  @Benchmark
  public boolean eddsaJca() throws Exception {
    return jca("Ed25519", edKey, ed);
  }

  /** The crypto of {@code eddsaGatehouse} alone: update + verify on a reused instance. */
  @Benchmark
  public boolean eddsaCryptoAlone() throws Exception {
    return reusedVerify(ed);
  }

  // HS256

  @Benchmark
  public AuthOutcome hs256Gatehouse() {
    return gatehouseCold.authenticate(hs.context).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome hs256GatehouseCached() {
    return gatehouseCached.authenticate(hs.context).toCompletableFuture().join();
  }

  @Benchmark
  public Object hs256Jose4j() throws Exception {
    return hs.jose4j.process(hs.token);
  }

  @Benchmark
  public Object hs256Nimbus() throws Exception {
    return hs.nimbus.process(hs.token, null);
  }

  @Benchmark
  public Object hs256Auth0() {
    return hs.auth0.verify(hs.token);
  }

  @Benchmark
  public Object hs256Jjwt() {
    return jjwt(hs);
  }

  /** The HS256 floor: {@code Mac.getInstance} + init + doFinal, compared in constant time. */
  @Benchmark
  public boolean hs256Jca() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    return java.security.MessageDigest.isEqual(mac.doFinal(hs.signingInput), hs.signature);
  }

  /** The crypto of {@code hs256Gatehouse} alone: update + doFinal into a buffer + compare. */
  @Benchmark
  public boolean hs256CryptoAlone() throws Exception {
    reusedMac.update(hs.signingInput);
    reusedMac.doFinal(expectedMac, 0);
    return java.security.MessageDigest.isEqual(expectedMac, hs.signature);
  }
}
