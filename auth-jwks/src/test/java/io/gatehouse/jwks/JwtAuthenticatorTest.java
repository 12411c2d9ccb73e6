package io.gatehouse.jwks;

import static io.gatehouse.jwks.Tokens.ISS;
import static io.gatehouse.jwks.Tokens.await;
import static io.gatehouse.jwks.Tokens.claims;
import static io.gatehouse.jwks.Tokens.context;
import static io.gatehouse.jwks.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SettingsHolder;
import io.gatehouse.testkit.MutableClock;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Strict verification through the authenticator: each hostile token gets its precise reason. */
class JwtAuthenticatorTest {
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final PublicJsonWebKey RSA = Tokens.rsa("rsa-1");
  static final PublicJsonWebKey EC = Tokens.ec("ec-1");
  static final PublicJsonWebKey ED = Tokens.ed25519("ed-1");
  static final PublicJsonWebKey ENC = Tokens.rsa("enc-1");
  static final PublicJsonWebKey SMALL = Tokens.rsa("small-1", 1024);
  static JwksServer server;

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  @BeforeAll
  static void startServer() throws Exception {
    server = new JwksServer();
    ENC.setUse("enc");
    server.serve(RSA, EC, ED, ENC, SMALL);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  IssuerConfig jwksIssuer() {
    return IssuerConfig.builder(ISS)
        .jwksUrl(server.url())
        .algorithms("RS256", "PS256", "ES256", "EdDSA")
        .audience("api")
        .build();
  }

  DefaultJwtAuthenticator authenticator(IssuerConfig... issuers) {
    return (DefaultJwtAuthenticator)
        JwtAuthenticator.builder().clock(clock).issuers(Issuers.of(issuers)).build();
  }

  AuthOutcome run(JwtAuthenticator jwt, String token) {
    return await(jwt.authenticate(context(token, clock)));
  }

  static Reason reason(AuthOutcome outcome) {
    assertThat(outcome).isInstanceOf(AuthOutcome.Failure.class);
    return ((AuthOutcome.Failure) outcome).reason();
  }

  @Test
  void everyAsymmetricAlgorithmVerifiesAndMapsTheIdentity() {
    DefaultJwtAuthenticator jwt = authenticator(jwksIssuer());
    for (var pair : Map.of(RSA, "RS256", EC, "ES256", ED, "EdDSA").entrySet()) {
      AuthOutcome outcome = run(jwt, sign(claims(clock), pair.getKey(), pair.getValue()));
      assertThat(outcome).as(pair.getValue()).isInstanceOf(AuthOutcome.Success.class);
      Identity identity = ((AuthOutcome.Success) outcome).identity();
      assertThat(identity.subject()).isEqualTo("alice");
      assertThat(identity.method()).isEqualTo("jwt");
      assertThat(identity.permissions()).containsExactlyInAnyOrder("read:items", "write:items");
      assertThat(identity.access()).isEqualTo(Access.READ_WRITE);
      assertThat(identity.credentialId()).isEqualTo("jti-1");
      assertThat(identity.expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
      assertThat(identity.claims()).containsEntry("iss", ISS).doesNotContainKey("token");
    }
    PublicJsonWebKey pss = Tokens.rsa("rsa-1");
    assertThat(run(jwt, sign(claims(clock), RSA, "PS256"))).isInstanceOf(AuthOutcome.Success.class);
    assertThat(pss).isNotNull();
  }

  /** A scope is a name, never a role: {@code ADMIN} maps to a scope of that name only. */
  @Test
  void scopesFollowRfc6749AndAreBounded() {
    DefaultJwtAuthenticator jwt = authenticator(jwksIssuer());

    JwtClaims admin = claims(clock);
    admin.setClaim("scope", "ADMIN  read:items");
    Identity identity = ((AuthOutcome.Success) run(jwt, sign(admin, RSA, "RS256"))).identity();
    assertThat(identity.method()).isEqualTo("jwt");
    assertThat(identity.access()).isEqualTo(Access.READ_WRITE);
    assertThat(identity.permissions()).containsExactlyInAnyOrder("ADMIN", "read:items");

    JwtClaims every = claims(clock);
    String allowed = "!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~";
    every.setClaim("scp", List.of(allowed, "x".repeat(ClaimMapping.MAX_SCOPE_LENGTH)));
    assertThat(run(jwt, sign(every, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);

    JwtClaims repeated = claims(clock);
    repeated.setClaim("scope", String.join(" ", java.util.Collections.nCopies(200, "same")));
    assertThat(run(jwt, sign(repeated, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);

    JwtClaims most = claims(clock);
    most.setClaim("scope", scopes(ClaimMapping.MAX_SCOPES));
    assertThat(run(jwt, sign(most, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);

    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("read\"items", "with a character RFC 6749 does not allow");
    bad.put("read\\items", "with a character RFC 6749 does not allow");
    bad.put("caf\u00e9", "with a character RFC 6749 does not allow");
    bad.put("tab\there", "with a character RFC 6749 does not allow");
    bad.put("x".repeat(ClaimMapping.MAX_SCOPE_LENGTH + 1), "a scope of 129 characters");
    bad.put(scopes(ClaimMapping.MAX_SCOPES + 1), "more than 64 scopes");
    for (var entry : bad.entrySet()) {
      JwtClaims claims = claims(clock);
      claims.setClaim("scope", entry.getKey());
      AuthOutcome outcome = run(jwt, sign(claims, RSA, "RS256"));
      assertThat(reason(outcome)).as(entry.getKey()).isEqualTo(Reason.BAD_CLAIMS);
      assertThat(((AuthOutcome.Failure) outcome).detail())
          .as(entry.getKey())
          .contains(entry.getValue());
    }
    for (Object wrongType : List.of(42, Map.of("a", "b"), List.of("ok", 7))) {
      JwtClaims claims = claims(clock);
      claims.setClaim("scp", wrongType);
      AuthOutcome outcome = run(jwt, sign(claims, RSA, "RS256"));
      assertThat(reason(outcome)).as(wrongType.toString()).isEqualTo(Reason.BAD_CLAIMS);
      assertThat(((AuthOutcome.Failure) outcome).detail()).contains("scope claim 'scp'");
    }
  }

  private static String scopes(int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append(i == 0 ? "" : " ").append("s").append(i);
    }
    return out.toString();
  }

  @Test
  void hmacIssuersVerifyAllThreeSizes() {
    byte[] secret64 = new byte[64];
    java.util.Arrays.fill(secret64, (byte) 7);
    IssuerConfig hs =
        IssuerConfig.builder(ISS)
            .audience("api")
            .hmacSecret(secret64)
            .algorithms("HS256", "HS384", "HS512")
            .build();
    DefaultJwtAuthenticator jwt = authenticator(hs);
    for (String alg : new String[] {"HS256", "HS384", "HS512"}) {
      String token = sign(claims(clock).toJson(), new HmacKey(secret64), alg, null, Map.of());
      assertThat(run(jwt, token)).as(alg).isInstanceOf(AuthOutcome.Success.class);
    }
    String wrong = sign(claims(clock).toJson(), new HmacKey(SECRET), "HS256", null, Map.of());
    assertThat(reason(run(jwt, wrong))).isEqualTo(Reason.BAD_SIGNATURE);
  }

  /**
   * Issue 11 item 8: a failed HS signature said only "signature does not verify", so an operator
   * whose secret was stored in another form than the IdP's could not tell. The detail now names the
   * issuer and the secret's size and fingerprint, never the secret.
   */
  @Test
  void aFailedHmacSignatureNamesTheIssuerAndTheSecretsFingerprint() {
    byte[] text =
        "a-55-character-text-secret-as-supabase-or-auth0-give-it".getBytes(StandardCharsets.UTF_8);
    IssuerConfig hs = IssuerConfig.builder(ISS).hmacSecret(text).audience("api").build();
    String fingerprint = hs.hmacSecretFingerprint();
    assertThat(fingerprint).matches("sha256:[0-9a-f]{16}");
    assertThat(fingerprint).isEqualTo(IssuerConfig.secretFingerprint(text));
    DefaultJwtAuthenticator jwt = authenticator(hs);
    assertThat(run(jwt, sign(claims(clock).toJson(), new HmacKey(text), "HS256", null, Map.of())))
        .isInstanceOf(AuthOutcome.Success.class);
    String wrong = sign(claims(clock).toJson(), new HmacKey(SECRET), "HS256", null, Map.of());
    AuthOutcome.Failure failure = failure(run(jwt, wrong));
    assertThat(failure.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(failure.detail())
        .contains("issuer '" + ISS + "'", "440 bits", fingerprint)
        .doesNotContain(new String(text, StandardCharsets.UTF_8));
    assertThat(hs.toString()).doesNotContain("a-55-character");
  }

  @Test
  void abstainsWithoutABearerTokenAndRefusesTwoAuthorizationHeaders() {
    DefaultJwtAuthenticator jwt = authenticator(jwksIssuer());
    AuthRequest none = AuthRequest.builder().build();
    AuthOutcome abstain = await(jwt.authenticate(ctx(none)));
    assertThat(abstain).isInstanceOf(AuthOutcome.Abstain.class);
    assertThat(((AuthOutcome.Abstain) abstain).challenge().render()).startsWith("Bearer realm=");
    AuthRequest basic = AuthRequest.builder().header("Authorization", "Basic YTpi").build();
    assertThat(await(jwt.authenticate(ctx(basic)))).isInstanceOf(AuthOutcome.Abstain.class);
    AuthRequest twice =
        AuthRequest.builder()
            .header("Authorization", "Bearer a.b.c")
            .header("Authorization", "Bearer d.e.f")
            .build();
    assertThat(reason(await(jwt.authenticate(ctx(twice))))).isEqualTo(Reason.MALFORMED);
    AuthRequest empty = AuthRequest.builder().header("Authorization", "Bearer ").build();
    assertThat(reason(await(jwt.authenticate(ctx(empty))))).isEqualTo(Reason.MALFORMED);
  }

  AuthContext ctx(AuthRequest request) {
    return new AuthContext(
        request, "default", InetAddress.getLoopbackAddress(), Settings.empty(), clock.instant());
  }

  @Test
  void hostileHeadersAreRefusedBeforeAnyKeyIsUsed() throws Exception {
    JwksServer trap = new JwksServer();
    trap.serve(RSA);
    DefaultJwtAuthenticator jwt = authenticator(jwksIssuer());
    String payload = claims(clock).toJson();
    Map<String, Object> jwk = Map.of("kty", "oct", "k", "AAAA");
    assertThat(
            reason(
                run(jwt, sign(payload, RSA.getPrivateKey(), "RS256", "rsa-1", Map.of("jwk", jwk)))))
        .isEqualTo(Reason.MALFORMED);
    for (String header : new String[] {"jku", "x5u"}) {
      String token =
          sign(
              payload,
              RSA.getPrivateKey(),
              "RS256",
              "rsa-1",
              Map.of(header, trap.url().toString()));
      assertThat(reason(run(jwt, token))).as(header).isEqualTo(Reason.MALFORMED);
    }
    String x5c =
        sign(
            payload,
            RSA.getPrivateKey(),
            "RS256",
            "rsa-1",
            Map.of("x5c", java.util.List.of("MIIB")));
    assertThat(reason(run(jwt, x5c))).isEqualTo(Reason.MALFORMED);
    String crit =
        sign(
            payload,
            RSA.getPrivateKey(),
            "RS256",
            "rsa-1",
            Map.of("crit", java.util.List.of("exp"), "exp", 1));
    assertThat(reason(run(jwt, crit))).isEqualTo(Reason.MALFORMED);
    String nested = sign(payload, RSA.getPrivateKey(), "RS256", "rsa-1", Map.of("cty", "JWT"));
    assertThat(reason(run(jwt, nested))).isEqualTo(Reason.MALFORMED);
    assertThat(reason(run(jwt, "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d")))
        .isEqualTo(Reason.MALFORMED);
    trap.close();
    assertThat(trap.requests()).as("no URL named by a token is ever fetched").isZero();
  }

  @Test
  void algNoneInAnyCaseIsRefused() {
    DefaultJwtAuthenticator jwt = authenticator(jwksIssuer());
    String payload = b64(claims(clock).toJson());
    for (String alg : new String[] {"none", "None", "NONE", "nOnE"}) {
      String token = b64("{\"alg\":\"" + alg + "\"}") + "." + payload + ".";
      assertThat(reason(run(jwt, token))).as(alg).isEqualTo(Reason.BAD_SIGNATURE);
      String withSig = b64("{\"alg\":\"" + alg + "\"}") + "." + payload + ".AAAA";
      assertThat(reason(run(jwt, withSig))).as(alg).isEqualTo(Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void rsaToHmacKeyConfusionFails() {
    // The attacker signs HS256 with the RSA public key's bytes, hoping it is used as a secret.
    IssuerConfig issuer = IssuerConfig.builder(ISS).audience("api").jwksUrl(server.url()).build();
    DefaultJwtAuthenticator jwt = authenticator(issuer);
    byte[] publicBytes = RSA.getPublicKey().getEncoded();
    String token =
        sign(claims(clock).toJson(), new HmacKey(publicBytes), "HS256", "rsa-1", Map.of());
    assertThat(reason(run(jwt, token))).isEqualTo(Reason.BAD_SIGNATURE);
    // Even with HS256 allowed for a JWKS issuer it could not be configured:
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                IssuerConfig.builder(ISS)
                    .audience("api")
                    .jwksUrl(server.url())
                    .algorithms("HS256")
                    .build())
        .hasMessageContaining("HS256 needs an HMAC secret");
  }

  @Test
  void keysForEncryptionOrTooSmallOrOfAnotherAlgorithmNeverVerify() {
    DefaultJwtAuthenticator jwt =
        authenticator(
            IssuerConfig.builder(ISS)
                .audience("api")
                .jwksUrl(server.url())
                .algorithms("RS256", "ES256")
                .build());
    assertThat(reason(run(jwt, sign(claims(clock), ENC, "RS256")))).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(reason(run(jwt, sign(claims(clock), SMALL, "RS256"))))
        .isEqualTo(Reason.BAD_SIGNATURE);
    // An EC token that names the RSA key's kid.
    String confused = sign(claims(clock).toJson(), EC.getPrivateKey(), "ES256", "rsa-1", Map.of());
    assertThat(reason(run(jwt, confused))).isEqualTo(Reason.BAD_SIGNATURE);
    // An algorithm the issuer does not allow.
    assertThat(reason(run(jwt, sign(claims(clock), RSA, "PS256")))).isEqualTo(Reason.BAD_SIGNATURE);
  }

  /**
   * Issue 11 item 9: an issuer configured without algorithms accepted RS256 only, so an IdP that
   * signs ES256, PS256 or EdDSA and declares {@code alg} on each JWK got a 401 on every token. Now
   * each key verifies exactly its declared alg (RS256 for a key without one).
   */
  @Test
  void withoutAnAlgorithmListEachKeyVerifiesItsDeclaredAlg() throws Exception {
    PublicJsonWebKey es = Tokens.ec("es-alg");
    es.setAlgorithm("ES256");
    PublicJsonWebKey ps = Tokens.rsa("ps-alg");
    ps.setAlgorithm("PS256");
    PublicJsonWebKey ed = Tokens.ed25519("ed-alg");
    ed.setAlgorithm("EdDSA");
    PublicJsonWebKey bare = Tokens.rsa("rsa-bare");
    try (JwksServer idp = new JwksServer()) {
      idp.serve(es, ps, ed, bare);
      IssuerConfig issuer = IssuerConfig.builder(ISS).jwksUrl(idp.url()).audience("api").build();
      DefaultJwtAuthenticator jwt = authenticator(issuer);
      for (var signed : Map.of(es, "ES256", ps, "PS256", ed, "EdDSA", bare, "RS256").entrySet()) {
        assertThat(run(jwt, sign(claims(clock), signed.getKey(), signed.getValue())))
            .as(signed.getValue())
            .isInstanceOf(AuthOutcome.Success.class);
      }
      // Exactly one algorithm per key: an RS256 token naming the ES256 key, PKCS#1 with the PSS
      // key, and PSS or ES256 with the key that declares nothing (so RS256 only).
      String rsOnEs =
          sign(claims(clock).toJson(), bare.getPrivateKey(), "RS256", "es-alg", Map.of());
      assertThat(failure(run(jwt, rsOnEs)).detail()).contains("bound to ES256");
      String rsOnPs = sign(claims(clock).toJson(), ps.getPrivateKey(), "RS256", "ps-alg", Map.of());
      assertThat(reason(run(jwt, rsOnPs))).isEqualTo(Reason.BAD_SIGNATURE);
      AuthOutcome psOnBare = run(jwt, sign(claims(clock), bare, "PS256"));
      assertThat(failure(psOnBare).detail()).contains("declares no alg", "RS256 only");
      String esOnBare =
          sign(claims(clock).toJson(), es.getPrivateKey(), "ES256", "rsa-bare", Map.of());
      assertThat(reason(run(jwt, esOnBare))).isEqualTo(Reason.BAD_SIGNATURE);
      // alg none, and HS256 keyed with the RSA key's public bytes, stay refused.
      String none =
          b64("{\"alg\":\"none\",\"kid\":\"rsa-bare\"}") + "." + b64(claims(clock).toJson()) + ".";
      assertThat(reason(run(jwt, none))).isEqualTo(Reason.BAD_SIGNATURE);
      String confused =
          sign(
              claims(clock).toJson(),
              new HmacKey(bare.getPublicKey().getEncoded()),
              "HS256",
              "rsa-bare",
              Map.of());
      AuthOutcome hs = run(jwt, confused);
      assertThat(failure(hs).reason()).isEqualTo(Reason.BAD_SIGNATURE);
      assertThat(failure(hs).detail()).contains("HS256 is not allowed", "declared alg", "--alg");

      // --alg narrows: the refusal names what is allowed and the option to change it.
      DefaultJwtAuthenticator narrowed =
          authenticator(
              IssuerConfig.builder(ISS)
                  .jwksUrl(idp.url())
                  .audience("api")
                  .algorithms("RS256")
                  .build());
      AuthOutcome es256 = run(narrowed, sign(claims(clock), es, "ES256"));
      assertThat(failure(es256).reason()).isEqualTo(Reason.BAD_SIGNATURE);
      assertThat(failure(es256).detail())
          .contains("ES256 is not allowed", "allowed: RS256", "--alg");
      assertThat(run(narrowed, sign(claims(clock), bare, "RS256")))
          .isInstanceOf(AuthOutcome.Success.class);
    }
  }

  static AuthOutcome.Failure failure(AuthOutcome outcome) {
    assertThat(outcome).isInstanceOf(AuthOutcome.Failure.class);
    return (AuthOutcome.Failure) outcome;
  }

  @Test
  void unconfiguredIssuerFailsBeforeAnyFetch() throws Exception {
    try (JwksServer other = new JwksServer()) {
      other.serve(RSA);
      IssuerConfig issuer =
          IssuerConfig.builder("https://other.test").audience("api").jwksUrl(other.url()).build();
      DefaultJwtAuthenticator jwt = authenticator(issuer);
      assertThat(reason(run(jwt, sign(claims(clock), RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
      JwtClaims noIss = claims(clock);
      noIss.unsetClaim("iss");
      assertThat(reason(run(jwt, sign(noIss, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
      assertThat(other.requests()).isZero();
    }
  }

  @Test
  void timeClaimsAreStrict() {
    IssuerConfig issuer =
        IssuerConfig.builder(ISS)
            .audience("api")
            .jwksUrl(server.url())
            .maxLifetime(Duration.ofHours(2))
            .build();
    DefaultJwtAuthenticator jwt = authenticator(issuer);
    long now = clock.millis() / 1000;

    JwtClaims expired = claims(clock);
    expired.setExpirationTime(NumericDate.fromSeconds(now - 61));
    assertThat(reason(run(jwt, sign(expired, RSA, "RS256")))).isEqualTo(Reason.EXPIRED);

    JwtClaims withinSkew = claims(clock);
    withinSkew.setExpirationTime(NumericDate.fromSeconds(now - 30));
    assertThat(run(jwt, sign(withinSkew, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);

    JwtClaims noExp = claims(clock);
    noExp.unsetClaim("exp");
    assertThat(reason(run(jwt, sign(noExp, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);

    JwtClaims future = claims(clock);
    future.setIssuedAt(NumericDate.fromSeconds(now + 120));
    assertThat(reason(run(jwt, sign(future, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);

    JwtClaims notYet = claims(clock);
    notYet.setNotBefore(NumericDate.fromSeconds(now + 120));
    assertThat(reason(run(jwt, sign(notYet, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);

    JwtClaims tooLong = claims(clock);
    tooLong.setExpirationTime(NumericDate.fromSeconds(now + 3 * 3600));
    assertThat(reason(run(jwt, sign(tooLong, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);

    JwtClaims noIat = claims(clock);
    noIat.unsetClaim("iat");
    assertThat(reason(run(jwt, sign(noIat, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);

    JwtClaims wrongType = claims(clock);
    wrongType.setClaim("exp", "tomorrow");
    assertThat(reason(run(jwt, sign(wrongType, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
  }

  /**
   * Found while writing the verification fuzz target's claim oracle: {@code exp - iat} overflowed
   * for an {@code iat} far in the past, so the lifetime limit let any lifetime through; and {@code
   * exp + skew} overflowed for an {@code exp} near the end of time, which read as expired; once
   * that was fixed, the identity's expiry threw for an {@code exp} past {@code Instant.MAX} (as it
   * always had for one between 3.2e16 and 9.2e18): an exception out of the authenticator.
   */
  @Test
  void timeArithmeticDoesNotOverflow() {
    IssuerConfig limited =
        IssuerConfig.builder(ISS)
            .audience("api")
            .jwksUrl(server.url())
            .maxLifetime(Duration.ofHours(2))
            .build();
    long now = clock.millis() / 1000;
    for (long iat : new long[] {Long.MIN_VALUE, Long.MIN_VALUE / 2 - 1, -(1L << 62) * 2 + now}) {
      JwtClaims ancient = claims(clock);
      ancient.setIssuedAt(NumericDate.fromSeconds(iat));
      ancient.setExpirationTime(NumericDate.fromSeconds(now + 600));
      assertThat(reason(run(authenticator(limited), sign(ancient, RSA, "RS256"))))
          .as("iat %d", iat)
          .isEqualTo(Reason.BAD_CLAIMS);
    }
    JwtClaims floatIat = claims(clock);
    floatIat.setClaim("iat", -1e300);
    assertThat(reason(run(authenticator(limited), sign(floatIat, RSA, "RS256"))))
        .isEqualTo(Reason.BAD_CLAIMS);

    IssuerConfig unlimited =
        IssuerConfig.builder(ISS).audience("api").jwksUrl(server.url()).build();
    for (long exp : new long[] {Long.MAX_VALUE - 10, 100_000_000_000_000_000L}) {
      JwtClaims endOfTime = claims(clock);
      endOfTime.setExpirationTime(NumericDate.fromSeconds(exp));
      AuthOutcome outcome = run(authenticator(unlimited), sign(endOfTime, RSA, "RS256"));
      assertThat(outcome).as("exp %d", exp).isInstanceOf(AuthOutcome.Success.class);
      assertThat(((AuthOutcome.Success) outcome).identity().expiresAt())
          .isEqualTo(Instant.ofEpochSecond(Instant.MAX.getEpochSecond()));
    }
  }

  /**
   * Found by the JWKS document fuzz target: a key's {@code alg} (or {@code use}) from the document
   * went into the refusal detail verbatim, control characters and all.
   */
  @Test
  void jwksMembersInDetailsAreMadeSafe() throws Exception {
    String n =
        Tokens.publicOnly(RSA)
            .toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
            .get("n")
            .toString();
    try (JwksServer hostile = new JwksServer()) {
      for (String member :
          List.of("\"alg\":\"RS\\r\\nX-Injected: 1\"", "\"use\":\"sig\\u0007\\n\"")) {
        hostile.serveJson(
            "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\""
                + RSA.getKeyId()
                + "\","
                + member
                + ",\"n\":\""
                + n
                + "\",\"e\":\"AQAB\"}]}");
        IssuerConfig issuer =
            IssuerConfig.builder(ISS).audience("api").jwksUrl(hostile.url()).build();
        AuthOutcome outcome = run(authenticator(issuer), sign(claims(clock), RSA, "RS256"));
        assertThat(reason(outcome)).isEqualTo(Reason.BAD_SIGNATURE);
        String detail = ((AuthOutcome.Failure) outcome).detail();
        assertThat(detail).doesNotContain("\r", "\n", "\u0007").contains("?");
      }
    }
  }

  @Test
  void audienceRequiredClaimsAndSubjectAreEnforced() {
    IssuerConfig issuer =
        IssuerConfig.builder(ISS)
            .jwksUrl(server.url())
            .audience("orders")
            .audience("api")
            .requireClaims("tenant")
            .build();
    DefaultJwtAuthenticator jwt = authenticator(issuer);
    JwtClaims ok = claims(clock);
    ok.setClaim("tenant", "acme");
    assertThat(run(jwt, sign(ok, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);
    JwtClaims noTenant = claims(clock);
    assertThat(reason(run(jwt, sign(noTenant, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
    JwtClaims otherAud = claims(clock);
    otherAud.setClaim("tenant", "acme");
    otherAud.setAudience("billing", "admin");
    assertThat(reason(run(jwt, sign(otherAud, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
    JwtClaims noSub = claims(clock);
    noSub.setClaim("tenant", "acme");
    noSub.unsetClaim("sub");
    assertThat(reason(run(jwt, sign(noSub, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
  }

  /**
   * Issue 11 item 5: with no audience configured, a token the IdP minted for another client (or an
   * ID token) was accepted. An audience is now required; accepting any audience is explicit.
   */
  @Test
  void tokensForAnotherAudienceAreRefusedUnlessAnyAudienceIsExplicit() {
    DefaultJwtAuthenticator strict = authenticator(jwksIssuer());
    JwtClaims otherClient = claims(clock);
    otherClient.setAudience("billing-client");
    JwtClaims noAud = claims(clock);
    noAud.unsetClaim("aud");
    assertThat(failure(run(strict, sign(otherClient, RSA, "RS256"))).reason())
        .isEqualTo(Reason.BAD_CLAIMS);
    assertThat(failure(run(strict, sign(noAud, RSA, "RS256"))).reason())
        .isEqualTo(Reason.BAD_CLAIMS);
    DefaultJwtAuthenticator any =
        authenticator(IssuerConfig.builder(ISS).jwksUrl(server.url()).anyAudience().build());
    assertThat(run(any, sign(otherClient, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);
    assertThat(run(any, sign(noAud, RSA, "RS256"))).isInstanceOf(AuthOutcome.Success.class);
  }

  @Test
  void aRefusedIssuerSaysWhyBeforeAnyFetch() throws Exception {
    try (JwksServer idp = new JwksServer()) {
      idp.serve(RSA);
      Settings settings =
          Settings.empty()
              .with(
                  "acme",
                  JwtSettings.ISSUERS,
                  Issuers.NONE.refusing(ISS, "stored without an audience; set one"));
      JwtAuthenticator jwt =
          JwtAuthenticator.builder().clock(clock).issuers(Issuers.of(jwksIssuer())).build();
      AuthOutcome outcome =
          await(
              jwt.authenticate(
                  context(sign(claims(clock), RSA, "RS256"), clock, settings, "acme")));
      assertThat(failure(outcome).reason()).isEqualTo(Reason.BAD_CLAIMS);
      assertThat(failure(outcome).detail())
          .contains("is configured but refused: stored without an audience; set one");
      assertThat(idp.requests()).isZero();
    }
  }

  @Test
  void accessAndPermissionsFollowTheClaimMapping() {
    ClaimMapping mapping =
        new ClaimMapping("email", java.util.List.of("perms"), null, Access.READ_WRITE)
            .withAccess("access", Access.READ);
    IssuerConfig issuer =
        IssuerConfig.builder(ISS)
            .audience("api")
            .jwksUrl(server.url())
            .claimMapping(mapping)
            .build();
    DefaultJwtAuthenticator jwt = authenticator(issuer);
    JwtClaims admin = claims(clock);
    admin.setClaim("email", "ops@acme.test");
    admin.setClaim("perms", java.util.List.of("deploy", "backup"));
    admin.setClaim("access", "admin");
    Identity identity = ((AuthOutcome.Success) run(jwt, sign(admin, RSA, "RS256"))).identity();
    assertThat(identity.subject()).isEqualTo("ops@acme.test");
    assertThat(identity.access()).isEqualTo(Access.ADMIN);
    assertThat(identity.permissions()).containsExactlyInAnyOrder("deploy", "backup");

    JwtClaims plain = claims(clock);
    plain.setClaim("email", "bob@acme.test");
    assertThat(((AuthOutcome.Success) run(jwt, sign(plain, RSA, "RS256"))).identity().access())
        .isEqualTo(Access.READ);

    JwtClaims bogus = claims(clock);
    bogus.setClaim("email", "eve@acme.test");
    bogus.setClaim("access", "root");
    assertThat(reason(run(jwt, sign(bogus, RSA, "RS256")))).isEqualTo(Reason.BAD_CLAIMS);
  }

  @Test
  void malformedTokensGetMalformed() {
    DefaultJwtAuthenticator jwt = authenticator(jwksIssuer());
    String good = sign(claims(clock), RSA, "RS256");
    String[] bad = {
      "abc",
      "a.b",
      "a.b.c.d",
      "!!!.b.c",
      good + "x.",
      good.replace('.', ','),
      b64("[1,2]") + "." + b64("{}") + ".AAAA",
      b64("{\"alg\":\"RS256\"}") + ".bm90IGpzb24.AAAA",
      "x".repeat(9000)
    };
    for (String token : bad) {
      assertThat(reason(run(jwt, token)))
          .as(token.length() > 40 ? token.substring(0, 40) : token)
          .isEqualTo(Reason.MALFORMED);
    }
    String tampered =
        good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBA" : "AAAA");
    assertThat(reason(run(jwt, tampered))).isIn(Reason.BAD_SIGNATURE, Reason.MALFORMED);
  }

  @Test
  void issuersComeFromTheSpaceSettingsSnapshot() {
    JwtAuthenticator jwt = JwtAuthenticator.builder().clock(clock).build();
    String token = sign(claims(clock), RSA, "RS256");
    assertThat(reason(await(jwt.authenticate(context(token, clock))))).isEqualTo(Reason.BAD_CLAIMS);
    Settings settings =
        Settings.empty().with("acme", JwtSettings.ISSUERS, Issuers.of(jwksIssuer()));
    assertThat(await(jwt.authenticate(context(token, clock, settings, "acme"))))
        .isInstanceOf(AuthOutcome.Success.class);
    assertThat(reason(await(jwt.authenticate(context(token, clock, settings, "other")))))
        .isEqualTo(Reason.BAD_CLAIMS);
    // Static per-space issuers apply where the settings name none.
    JwtAuthenticator perSpace =
        JwtAuthenticator.builder().clock(clock).issuers("beta", Issuers.of(jwksIssuer())).build();
    assertThat(await(perSpace.authenticate(context(token, clock, Settings.empty(), "beta"))))
        .isInstanceOf(AuthOutcome.Success.class);
  }

  @Test
  void throughThePipelineRefusalsGetTheirStatusAndChallenge() throws Exception {
    SettingsHolder holder = new SettingsHolder();
    holder.update(s -> s.with("default", JwtSettings.ISSUERS, Issuers.of(jwksIssuer())));
    JwtAuthenticator jwt = JwtAuthenticator.builder().clock(clock).realm("orders").build();
    Gatehouse gatehouse =
        Gatehouse.builder().authenticator(jwt).clock(clock).settings(holder).build();
    String token = sign(claims(clock), RSA, "RS256");
    Decision ok = decide(gatehouse, "Bearer " + token);
    assertThat(ok.allowed()).isTrue();
    assertThat(ok.identity().subject()).isEqualTo("alice");
    Decision expired = decide(gatehouse, "Bearer " + token.substring(0, token.length() - 2) + "AA");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.challenges().get(0).render()).contains("realm=\"orders\"", "invalid_token");
    assertThat(expired.explain()).doesNotContain(token);
  }

  static Decision decide(Gatehouse gatehouse, String authorization) throws Exception {
    AuthRequest request = AuthRequest.builder().header("Authorization", authorization).build();
    return gatehouse.decide(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String b64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
