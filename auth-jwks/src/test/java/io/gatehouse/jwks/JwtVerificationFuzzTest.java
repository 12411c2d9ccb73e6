package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Reason;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jose4j.json.JsonUtil;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target of JWT verification through the real authenticator (JWKS served on loopback, cache
 * off). The input is UTF-8 lines: a signer ({@link FuzzKeys.Signer}, lower case), the header JSON,
 * the payload JSON, and a token template in which {@code {H}}, {@code {P}} and {@code {S}} stand
 * for the base64url header, payload and signature (default {@code {H}.{P}.{S}}). The target signs
 * the header and payload bytes exactly as given with the signer's JDK key, so the fuzzer explores
 * headers and claims under valid signatures as well as mangled tokens.
 *
 * <p>Oracle. Never an exception, never an abstention. A refusal has a precise reason and a detail
 * free of control characters that does not echo the token. An acceptance implies: the token is
 * three canonical base64url parts; the signature verifies, by the JDK alone, over exactly those
 * bytes under a key the issuer legitimately holds for the header's algorithm (so none, HS/RS
 * confusion, the short key, the encryption key and the stranger never pass); the header carries no
 * key, {@code crit}, {@code b64} or nested content; and the claims satisfy the issuer's policy,
 * computed here without overflow.
 */
class JwtVerificationFuzzTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final long SKEW = 60;
  static final long MAX_LIFETIME = Duration.ofDays(1).toSeconds();
  static final Set<String> JWKS_ALGS = Set.of("RS256", "PS256", "ES256", "EdDSA");
  static final Set<Reason> REFUSALS =
      Set.of(
          Reason.MALFORMED,
          Reason.BAD_SIGNATURE,
          Reason.BAD_CLAIMS,
          Reason.EXPIRED,
          Reason.UNKNOWN_CREDENTIAL,
          Reason.UNAVAILABLE);

  /** Seed file name to the outcome it must have: SUCCESS or the refusal's reason. */
  private static final Map<String, String> EXPECTED_SEED_OUTCOMES =
      Map.ofEntries(
          Map.entry("alg-downgrade-header", "BAD_SIGNATURE"),
          Map.entry("alg-none", "BAD_SIGNATURE"),
          Map.entry("audience-list", "SUCCESS"),
          Map.entry("b64-false", "MALFORMED"),
          Map.entry("crit-header", "MALFORMED"),
          Map.entry("duplicate-claim", "MALFORMED"),
          Map.entry("eddsa-valid", "SUCCESS"),
          Map.entry("embedded-jwk", "MALFORMED"),
          Map.entry("encryption-key", "BAD_SIGNATURE"),
          Map.entry("es256-no-kid", "SUCCESS"),
          Map.entry("es256-valid", "SUCCESS"),
          Map.entry("exp-as-float", "SUCCESS"),
          Map.entry("exp-as-string", "BAD_CLAIMS"),
          Map.entry("expired", "EXPIRED"),
          Map.entry("exp-end-of-time", "SUCCESS"),
          Map.entry("lifetime-overflow", "BAD_CLAIMS"),
          Map.entry("header-not-object", "MALFORMED"),
          Map.entry("hs256-for-jwks-issuer", "BAD_SIGNATURE"),
          Map.entry("hs256-valid", "SUCCESS"),
          Map.entry("issued-in-future", "BAD_CLAIMS"),
          Map.entry("jku-header", "MALFORMED"),
          Map.entry("jwe-five-parts", "MALFORMED"),
          Map.entry("kid-of-other-family", "BAD_SIGNATURE"),
          Map.entry("lifetime-too-long", "BAD_CLAIMS"),
          Map.entry("nested-cty", "MALFORMED"),
          Map.entry("no-exp", "BAD_CLAIMS"),
          Map.entry("not-yet-valid", "BAD_CLAIMS"),
          Map.entry("padded-signature", "MALFORMED"),
          Map.entry("ps256-valid", "SUCCESS"),
          Map.entry("rs-to-hs-confusion", "BAD_SIGNATURE"),
          Map.entry("rs256-for-hmac-issuer", "BAD_SIGNATURE"),
          Map.entry("rs256-valid", "SUCCESS"),
          Map.entry("short-rsa-key", "BAD_SIGNATURE"),
          Map.entry("signature-swapped-payload", "BAD_SIGNATURE"),
          Map.entry("stranger-with-known-kid", "BAD_SIGNATURE"),
          Map.entry("sub-not-string", "BAD_CLAIMS"),
          Map.entry("untrusted-issuer", "BAD_CLAIMS"),
          Map.entry("whitespace-inside", "MALFORMED"),
          Map.entry("wrong-audience", "BAD_CLAIMS"));

  private static final JwksServer SERVER = startServer();
  private static final JwtAuthenticator AUTHENTICATOR = authenticator();

  private static JwksServer startServer() {
    try {
      JwksServer server = new JwksServer();
      server.serve(FuzzKeys.published().toArray(new org.jose4j.jwk.JsonWebKey[0]));
      return server;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JwtAuthenticator authenticator() {
    IssuerConfig jwks =
        IssuerConfig.builder(Tokens.ISS)
            .jwksUrl(SERVER.url())
            .algorithms(JWKS_ALGS)
            .audience("api")
            .maxLifetime(Duration.ofSeconds(MAX_LIFETIME))
            .build();
    IssuerConfig hmac =
        IssuerConfig.builder(FuzzKeys.HMAC_ISS)
            .hmacSecret(FuzzKeys.HMAC_SECRET)
            .algorithms("HS256")
            .audience("api")
            .build();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .issuers(Issuers.of(jwks, hmac))
            .clock(CLOCK)
            .tokenCacheSize(0)
            .kidMissCooldown(Duration.ofHours(1))
            .build();
    authenticator.prefetch(Issuers.of(jwks)).join();
    return authenticator;
  }

  @AfterAll
  static void stopServer() {
    SERVER.close();
  }

  @FuzzTest(maxDuration = "2m")
  void verify(byte[] input) {
    var unused = verifyChecked(input);
  }

  /**
   * The seeds are not only replayed: each has the outcome a reader of the module's rules expects,
   * which shows that the target reaches the checks it claims to exercise.
   */
  @Test
  void seedsHaveTheirExpectedOutcomes() throws IOException {
    Map<String, String> outcomes = new TreeMap<>();
    for (Map.Entry<String, byte[]> seed : Seeds.of(getClass(), "verify").entrySet()) {
      AuthOutcome outcome = verifyChecked(seed.getValue());
      outcomes.put(
          seed.getKey(),
          outcome instanceof AuthOutcome.Failure failure ? failure.reason().name() : "SUCCESS");
    }
    assertThat(outcomes).isEqualTo(new TreeMap<>(EXPECTED_SEED_OUTCOMES));
  }

  static AuthOutcome verifyChecked(byte[] input) {
    List<String> lines = Arrays.asList(new String(input, StandardCharsets.UTF_8).split("\n", -1));
    FuzzKeys.Signer signer = signer(line(lines, 0, "rs"));
    String header =
        line(lines, 1, "{\"alg\":\"" + signer.alg + "\",\"kid\":\"" + signer.kid + "\"}");
    String payload = line(lines, 2, "{}");
    String template = line(lines, 3, "{H}.{P}.{S}");
    String h = FuzzKeys.base64Url(header.getBytes(StandardCharsets.UTF_8));
    String p = FuzzKeys.base64Url(payload.getBytes(StandardCharsets.UTF_8));
    byte[] signature = FuzzKeys.sign(signer, (h + "." + p).getBytes(StandardCharsets.US_ASCII));
    String token =
        template.replace("{H}", h).replace("{P}", p).replace("{S}", FuzzKeys.base64Url(signature));

    AuthOutcome outcome = Tokens.await(AUTHENTICATOR.authenticate(Tokens.context(token, CLOCK)));

    if (outcome instanceof AuthOutcome.Failure failure) {
      assertThat(REFUSALS).as(failure.toString()).contains(failure.reason());
      String detail = failure.detail();
      assertThat(detail).isNotBlank();
      assertThat(detail.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as(detail).isTrue();
      if (token.strip().length() >= 16) {
        assertThat(detail).doesNotContain(token.strip());
      }
      if (signature.length > 0) {
        assertThat(detail).doesNotContain(FuzzKeys.base64Url(signature));
      }
      return outcome;
    }
    assertThat(outcome)
        .as("a bearer token is never abstained on")
        .isInstanceOf(AuthOutcome.Success.class);
    assertAcceptable(token.strip(), ((AuthOutcome.Success) outcome).identity().subject());
    return outcome;
  }

  /** The reference: everything an accepted token must satisfy, checked without jose4j's claims. */
  static void assertAcceptable(String token, String subject) {
    String[] parts = token.split("\\.", -1);
    assertThat(parts).as("three parts: %s", token).hasSize(3);
    byte[] headerBytes = FuzzKeys.decodeCanonical(parts[0]);
    byte[] payloadBytes = FuzzKeys.decodeCanonical(parts[1]);
    byte[] signature = FuzzKeys.decodeCanonical(parts[2]);
    assertThat(headerBytes).as("canonical header").isNotNull();
    assertThat(payloadBytes).as("canonical payload").isNotNull();
    assertThat(signature).as("canonical signature").isNotNull();
    Map<String, Object> header = json(headerBytes);
    Map<String, Object> claims = json(payloadBytes);
    assertThat(header).as("header").isNotNull();
    assertThat(claims).as("claims").isNotNull();

    Object alg = header.get("alg");
    Object iss = claims.get("iss");
    assertThat(iss).isIn(Tokens.ISS, FuzzKeys.HMAC_ISS);
    assertThat(alg).isIn(iss.equals(Tokens.ISS) ? JWKS_ALGS : Set.of("HS256"));
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    assertThat(FuzzKeys.legitimatelySigned((String) iss, (String) alg, signingInput, signature))
        .as("accepted %s, whose signature no trusted key made", token)
        .isTrue();
    for (String forbidden : List.of("jwk", "jku", "x5u", "x5c", "crit", "b64", "enc")) {
      assertThat(header).doesNotContainKey(forbidden);
    }
    if (header.get("cty") instanceof String cty) {
      assertThat(cty.toLowerCase(Locale.ROOT)).isNotEqualTo("jwt");
    }

    long now = NOW.getEpochSecond();
    BigInteger exp = seconds(claims.get("exp"));
    assertThat(exp).as("exp").isNotNull();
    assertThat(exp.add(BigInteger.valueOf(SKEW))).as("exp").isGreaterThan(BigInteger.valueOf(now));
    BigInteger nbf = seconds(claims.get("nbf"));
    if (nbf != null) {
      assertThat(nbf).as("nbf").isLessThanOrEqualTo(BigInteger.valueOf(now + SKEW));
    }
    BigInteger iat = seconds(claims.get("iat"));
    if (iat != null) {
      assertThat(iat).as("iat").isLessThanOrEqualTo(BigInteger.valueOf(now + SKEW));
    }
    if (iss.equals(Tokens.ISS)) {
      assertThat(iat).as("iat, needed for the lifetime limit").isNotNull();
      assertThat(exp.subtract(iat))
          .as("lifetime")
          .isLessThanOrEqualTo(BigInteger.valueOf(MAX_LIFETIME));
    }
    Object aud = claims.get("aud");
    assertThat(aud instanceof List<?> list ? list.contains("api") : "api".equals(aud))
        .as("aud %s", aud)
        .isTrue();
    assertThat(claims.get("sub")).isEqualTo(subject);
    assertThat(subject).isNotBlank();
  }

  /**
   * A NumericDate as jose4j reads a JSON number ({@code Number.longValue()}: truncated, clamped to
   * the long range), but as an exact integer, so that comparisons here cannot overflow.
   */
  static @Nullable BigInteger seconds(@Nullable Object value) {
    if (!(value instanceof Number number)) {
      return null;
    }
    BigDecimal exact = new BigDecimal(number.toString());
    BigInteger whole = exact.toBigInteger();
    BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
    BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
    return whole.max(min).min(max);
  }

  private static @Nullable Map<String, Object> json(byte @Nullable [] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return JsonUtil.parseJson(new String(bytes, StandardCharsets.UTF_8));
    } catch (org.jose4j.lang.JoseException | RuntimeException e) {
      return null;
    }
  }

  static FuzzKeys.Signer signer(String name) {
    for (FuzzKeys.Signer signer : FuzzKeys.Signer.values()) {
      if (signer.name().equalsIgnoreCase(name.strip())) {
        return signer;
      }
    }
    return FuzzKeys.Signer.RS;
  }

  private static String line(List<String> lines, int index, String fallback) {
    return index < lines.size() && !lines.get(index).isEmpty() ? lines.get(index) : fallback;
  }
}
