package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Reason;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target of the JWKS document as an IdP (or whoever controls its endpoint) serves it. The
 * input is the document's text; {@code {{rs}}}, {@code {{es}}}, {@code {{ed}}}, {@code {{small}}}
 * stand for the test keys' public JWKs and {@code {{rs.n}}}, {@code {{es.x}}}... for single
 * members, so seeds stay meaningful although the keys are made anew in every run. Each input is
 * served from a loopback endpoint to a fresh authenticator, which then verifies a fixed set of
 * validly signed tokens (RS256, PS256, ES256, EdDSA, with and without kid, and one from the
 * 1024-bit key).
 *
 * <p>Oracle. Nothing throws; a token is refused with UNKNOWN_CREDENTIAL, BAD_SIGNATURE or (for a
 * document refused whole) UNAVAILABLE; at most the configured number of keys is kept. A token is
 * accepted only if the raw document holds a key that may verify it under the module's rules, read
 * here from the JSON directly: the right {@code kty} with the signer's public material, {@code use}
 * absent or {@code sig}, {@code key_ops} absent or listing {@code verify}, {@code alg} absent or
 * the token's, the token's {@code kid} if it has one, and an RSA modulus of at least 2048 bits.
 */
class JwksDocumentFuzzTest {
  static final int MAX_KEYS = 8;
  private static final Set<Reason> REFUSALS =
      Set.of(Reason.UNKNOWN_CREDENTIAL, Reason.BAD_SIGNATURE, Reason.UNAVAILABLE);

  /**
   * Seed file name to the tokens its document lets through. A modulus with leading zero bytes is
   * still the same key (jose4j reads the number), so {@code padded-modulus} verifies.
   */
  private static final Map<String, List<String>> EXPECTED_ACCEPTED =
      Map.ofEntries(
          Map.entry("alg-bound-hs256", List.of()),
          Map.entry("alg-bound-ps256", List.of("PS256/rs")),
          Map.entry(
              "all-valid",
              List.of("RS256/rs", "RS256", "PS256/rs", "ES256/es", "ES256", "EdDSA/ed")),
          Map.entry("duplicate-kid-enc-first", List.of("RS256/rs", "RS256", "PS256/rs")),
          Map.entry("ec-wrong-curve", List.of()),
          Map.entry("empty", List.of()),
          Map.entry("key-ops-sign-only", List.of()),
          Map.entry("key-ops-string", List.of()),
          Map.entry("control-characters-in-alg", List.of()),
          Map.entry("junk-character-in-member", List.of("ES256/es", "ES256")),
          Map.entry("keys-not-array", List.of()),
          Map.entry(
              "members-spelled-out", List.of("RS256/rs", "RS256", "ES256/es", "ES256", "EdDSA/ed")),
          Map.entry("not-json", List.of()),
          Map.entry("okp-x25519", List.of()),
          Map.entry("padded-modulus", List.of("RS256/rs", "RS256", "PS256/rs")),
          Map.entry("rfc7517-a1-unrelated-keys", List.of()),
          Map.entry("rsa-as-oct", List.of()),
          Map.entry("short-rsa", List.of()),
          Map.entry("too-many-keys", List.of()),
          Map.entry("unknown-kty", List.of("ES256/es", "ES256")),
          Map.entry("use-enc", List.of()),
          Map.entry("use-not-string", List.of()),
          Map.entry("x5c-garbage", List.of()));

  private static final JwksServer SERVER = server();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private static final Map<String, String> PLACEHOLDERS = placeholders();
  private static final List<SignedToken> TOKENS = tokens();

  /**
   * A validly signed token and what it takes to verify it. A class, not a record: under Jazzer's
   * fuzzing instrumentation this record's constructor failed with {@code NoSuchFieldError}.
   */
  static final class SignedToken {
    private final String token;
    private final String alg;
    private final @Nullable String kid;
    private final PublicJsonWebKey key;

    SignedToken(String token, String alg, @Nullable String kid, PublicJsonWebKey key) {
      this.token = token;
      this.alg = alg;
      this.kid = kid;
      this.key = key;
    }

    String token() {
      return token;
    }

    String alg() {
      return alg;
    }

    @Nullable String kid() {
      return kid;
    }

    PublicJsonWebKey key() {
      return key;
    }

    String label() {
      return alg + (kid == null ? "" : "/" + kid);
    }
  }

  private static JwksServer server() {
    // Small responses on loopback otherwise wait out delayed ACKs (~40 ms a fetch); read once, when
    // the JDK server is first used in this JVM, so it speeds up fuzzing, where this class runs
    // alone.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      return new JwksServer();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> placeholders() {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, PublicJsonWebKey> keys =
        Map.of("rs", FuzzKeys.RS, "es", FuzzKeys.ES, "ed", FuzzKeys.ED, "small", FuzzKeys.SMALL);
    keys.forEach(
        (name, key) -> {
          out.put("{{" + name + "}}", FuzzKeys.publicJson(key));
          FuzzKeys.members(key)
              .forEach(
                  (member, value) -> out.put("{{" + name + "." + member + "}}", value.toString()));
        });
    return out;
  }

  private static List<SignedToken> tokens() {
    JwtClaims claims = Tokens.claims(JwtVerificationFuzzTest.CLOCK);
    claims.setExpirationTime(
        NumericDate.fromSeconds(JwtVerificationFuzzTest.NOW.getEpochSecond() + 600));
    List<SignedToken> out = new ArrayList<>();
    add(out, claims, FuzzKeys.RS, "RS256", "rs");
    add(out, claims, FuzzKeys.RS, "RS256", null);
    add(out, claims, FuzzKeys.RS, "PS256", "rs");
    add(out, claims, FuzzKeys.ES, "ES256", "es");
    add(out, claims, FuzzKeys.ES, "ES256", null);
    add(out, claims, FuzzKeys.ED, "EdDSA", "ed");
    add(out, claims, FuzzKeys.SMALL, "RS256", "small");
    return out;
  }

  private static void add(
      List<SignedToken> out,
      JwtClaims claims,
      PublicJsonWebKey key,
      String alg,
      @Nullable String kid) {
    String token = Tokens.sign(claims.toJson(), key.getPrivateKey(), alg, kid, Map.of());
    out.add(new SignedToken(token, alg, kid, key));
  }

  @AfterAll
  static void stopServer() {
    SERVER.close();
  }

  @FuzzTest(maxDuration = "2m")
  void servedDocument(byte[] input) {
    var unused = serveAndVerify(input);
  }

  /** Each seed document lets exactly the tokens through that the module's key rules allow. */
  @Test
  void seedsAcceptTheExpectedTokens() throws IOException {
    Map<String, List<String>> accepted = new TreeMap<>();
    for (Map.Entry<String, byte[]> seed : Seeds.of(getClass(), "servedDocument").entrySet()) {
      accepted.put(seed.getKey(), serveAndVerify(seed.getValue()));
    }
    assertThat(accepted).isEqualTo(new TreeMap<>(EXPECTED_ACCEPTED));
  }

  /** Serves {@code input}, checks every token against the oracle, returns the accepted ones. */
  static List<String> serveAndVerify(byte[] input) {
    String document = new String(input, StandardCharsets.UTF_8);
    for (Map.Entry<String, String> placeholder : PLACEHOLDERS.entrySet()) {
      document = document.replace(placeholder.getKey(), placeholder.getValue());
    }
    SERVER.serveJson(document);
    IssuerConfig issuer =
        IssuerConfig.builder(Tokens.ISS)
            .audience("api")
            .jwksUrl(SERVER.url())
            .algorithms("RS256", "PS256", "ES256", "EdDSA")
            .build();
    JwtAuthenticator authenticator =
        JwtAuthenticator.builder()
            .issuers(Issuers.of(issuer))
            .clock(JwtVerificationFuzzTest.CLOCK)
            .httpClient(HTTP)
            .tokenCacheSize(0)
            .jwksLimits(64 * 1024, MAX_KEYS)
            .build();
    authenticator.prefetch(Issuers.of(issuer)).join();
    assertThat(authenticator.health().values())
        .allSatisfy(health -> assertThat(health.keyCount()).isLessThanOrEqualTo(MAX_KEYS));

    List<Map<String, Object>> entries = entries(document);
    List<String> accepted = new ArrayList<>();
    for (SignedToken signed : TOKENS) {
      AuthOutcome outcome =
          Tokens.await(
              authenticator.authenticate(
                  Tokens.context(signed.token(), JwtVerificationFuzzTest.CLOCK)));
      if (outcome instanceof AuthOutcome.Failure failure) {
        assertThat(REFUSALS).as("%s: %s", signed.alg(), failure).contains(failure.reason());
        assertThat(failure.detail().chars().noneMatch(c -> c < 0x20 || c == 0x7f)).isTrue();
        continue;
      }
      assertThat(outcome).isInstanceOf(AuthOutcome.Success.class);
      assertThat(entries.stream().anyMatch(entry -> mayVerify(entry, signed)))
          .as(
              "%s token (kid %s) accepted, but no key of %s may verify it",
              signed.alg(), signed.kid(), document)
          .isTrue();
      accepted.add(signed.label());
    }
    return accepted;
  }

  /** The document's key objects, read without jose4j's key classes; empty if it has none. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries(String document) {
    Map<String, Object> parsed;
    try {
      parsed = JsonUtil.parseJson(document);
    } catch (org.jose4j.lang.JoseException | RuntimeException e) {
      return List.of();
    }
    if (parsed == null || !(parsed.get("keys") instanceof List<?> keys)) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object key : keys) {
      if (key instanceof Map<?, ?> map) {
        out.add((Map<String, Object>) map);
      }
    }
    return out;
  }

  /** The module's key rules, applied to one raw JWK object and one signed token. */
  static boolean mayVerify(Map<String, Object> entry, SignedToken signed) {
    Object use = entry.get("use");
    Object ops = entry.get("key_ops");
    Object alg = entry.get("alg");
    if ((use != null && !use.equals("sig"))
        || (ops != null && !(ops instanceof List<?> list && list.contains("verify")))
        || (alg != null && !alg.equals(signed.alg()))
        || (signed.kid() != null && !signed.kid().equals(entry.get("kid")))) {
      return false;
    }
    Map<String, Object> legit = FuzzKeys.members(signed.key());
    if (!legit.get("kty").equals(entry.get("kty"))) {
      return false;
    }
    return switch ((String) legit.get("kty")) {
      case "RSA" -> {
        byte[] n = FuzzKeys.decodeLenient(entry.get("n"));
        yield n != null
            && FuzzKeys.unsigned(n).bitLength() >= 2048
            && sameNumber(n, legit.get("n"))
            && sameNumber(FuzzKeys.decodeLenient(entry.get("e")), legit.get("e"));
      }
      case "EC" ->
          legit.get("crv").equals(entry.get("crv"))
              && sameNumber(FuzzKeys.decodeLenient(entry.get("x")), legit.get("x"))
              && sameNumber(FuzzKeys.decodeLenient(entry.get("y")), legit.get("y"));
      default ->
          legit.get("crv").equals(entry.get("crv"))
              && java.util.Arrays.equals(
                  FuzzKeys.decodeLenient(entry.get("x")), FuzzKeys.decodeLenient(legit.get("x")));
    };
  }

  private static boolean sameNumber(byte @Nullable [] bytes, Object legit) {
    byte[] expected = FuzzKeys.decodeLenient(legit);
    return bytes != null
        && expected != null
        && FuzzKeys.unsigned(bytes).equals(FuzzKeys.unsigned(expected))
        && !BigInteger.ZERO.equals(FuzzKeys.unsigned(bytes));
  }
}
