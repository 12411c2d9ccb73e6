package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The fast path (one reused JSON parser per thread, the JDK's {@code Mac} reused per key and a
 * reused {@code Signature} for RS256/384/512) against the reference path it replaced (a fresh
 * jose4j parser for header and claims, jose4j's algorithms): every Wycheproof vector (RSA, ECDSA,
 * EdDSA and HMAC) and thousands of mutated HMAC tokens must get the same outcome, refusal reason
 * and detail on both, and accepted tokens the same header and claims.
 */
class FastPathDifferentialTest {
  private static final int MAX = 64 * 1024;
  private static final byte[] SECRET = new byte[64];

  static {
    for (int i = 0; i < SECRET.length; i++) {
      SECRET[i] = (byte) (i * 7 + 3);
    }
  }

  /** The outcome of every layer the fast path touches, as one comparable line. */
  static String outcome(String compact, JsonWebKey key, boolean reference) {
    ParsedJws jws;
    try {
      jws =
          reference
              ? JwsParser.parse(compact, MAX, FastPathDifferentialTest::jose4jJson)
              : JwsParser.parse(compact, MAX);
    } catch (Refusal refusal) {
      return "parse: " + refusal.reason() + " " + refusal.detail();
    }
    String claims;
    try {
      JwtClaims parsed =
          reference ? jose4jClaims(jws.payload()) : ClaimsChecker.parse(jws.payload());
      claims = "claims " + parsed.getClaimsMap();
    } catch (Refusal refusal) {
      claims = "claims: " + refusal.reason() + " " + refusal.detail();
    }
    String signature;
    try {
      JwsVerifier.verify(jws, key, reference);
      signature = "verified";
    } catch (Refusal refusal) {
      signature = "signature: " + refusal.reason() + " " + refusal.detail();
    }
    return "header " + jws.header() + " | " + claims + " | " + signature;
  }

  private static @Nullable Map<String, Object> jose4jJson(String text) {
    try {
      return JsonUtil.parseJson(text);
    } catch (org.jose4j.lang.JoseException | RuntimeException e) {
      return null;
    }
  }

  private static JwtClaims jose4jClaims(byte[] payload) throws Refusal {
    try {
      return JwtClaims.parse(new String(payload, StandardCharsets.UTF_8));
    } catch (org.jose4j.jwt.consumer.InvalidJwtException | RuntimeException e) {
      throw new Refusal(io.gatehouse.core.Reason.MALFORMED, "payload is not a JSON claims set");
    }
  }

  @Test
  void everyWycheproofVectorHasTheSameOutcomeOnBothPaths() throws Exception {
    int compared = 0;
    for (WycheproofJwsTest.Case c : WycheproofJwsTest.cases()) {
      if (!(c.jws() instanceof String compact)) {
        continue;
      }
      JsonWebKey key = JsonWebKey.Factory.newJwk(c.key());
      assertThat(outcome(compact, key, false))
          .as("tc %d", c.id())
          .isEqualTo(outcome(compact, key, true));
      compared++;
    }
    assertThat(compared).isGreaterThan(300);
  }

  @Property(tries = 3000)
  void mutatedHmacTokensHaveTheSameOutcomeOnBothPaths(
      @ForAll("tokens") String token, @ForAll("keys") JsonWebKey key) {
    assertThat(outcome(token, key, false)).isEqualTo(outcome(token, key, true));
  }

  @Property(tries = 2000)
  void anyTextParsesTheSameAsWithJose4j(@ForAll("jsonish") String text) {
    assertThat(JsonObjects.parse(text)).isEqualTo(jose4jJson(text));
  }

  @Provide
  Arbitrary<JsonWebKey> keys() {
    return Arbitraries.of("none", "HS256", "HS512", "short", "use-enc")
        .map(
            kind -> {
              byte[] material =
                  kind.equals("short") ? java.util.Arrays.copyOf(SECRET, 16) : SECRET.clone();
              OctetSequenceJsonWebKey key =
                  new OctetSequenceJsonWebKey(new SecretKeySpec(material, "HmacSHA256"));
              if (kind.startsWith("HS")) {
                key.setAlgorithm(kind);
              }
              if (kind.equals("use-enc")) {
                key.setUse("enc");
              }
              key.setKeyId("k-" + kind);
              return key;
            });
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> fragments =
        Arbitraries.of(
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"a\"",
            "\"alg\"",
            "\"HS256\"",
            "1",
            "-0",
            "1e400",
            "99999999999999999999999",
            "1.5",
            "true",
            "null",
            "\"\\u0000\"",
            "\"\\ud800\"",
            " ",
            "\"\\x\"",
            "0x1",
            "NaN",
            "\"a\":1",
            "\"a\":2");
    return fragments.list().ofMaxSize(12).map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> alg =
        Arbitraries.of("HS256", "HS384", "HS512", "hs256", "none", "RS256", "HS256 ", "ES256");
    Arbitrary<String> headerExtra =
        Arbitraries.of(
            "",
            ",\"kid\":\"k\"",
            ",\"alg\":\"HS256\"",
            ",\"typ\":\"JWT\"",
            ",\"crit\":[\"x\"]",
            ",\"kid\":7",
            ",\"b64\":false",
            ",\"jku\":\"https://x\"");
    Arbitrary<String> payload =
        Arbitraries.oneOf(
            Arbitraries.of(
                "{\"iss\":\"https://i\",\"sub\":\"a\",\"exp\":1767225600}",
                "{\"exp\":1e400,\"sub\":\"a\"}",
                "{\"exp\":99999999999999999999999999}",
                "{\"exp\":-1.5,\"nbf\":\"x\",\"aud\":[\"a\",3]}",
                "{\"sub\":\"a\",\"sub\":\"b\"}",
                "[]",
                "null",
                "{\"a\":\"\\ud800\"}",
                "{}"),
            jsonish());
    Arbitrary<Integer> signWith = Arbitraries.of(256, 384, 512);
    Arbitrary<String> signed =
        Combinators.combine(alg, headerExtra, payload, signWith)
            .as(
                (a, extra, body, bits) -> {
                  String h = b64("{\"alg\":\"" + a + "\"" + extra + "}");
                  String p = b64(body);
                  return h + "." + p + "." + sign(h + "." + p, a, bits);
                });
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 10_000);
    Arbitrary<String> mutation =
        Arbitraries.of("none", "flip", "pad", "dot", "cut", "plus", "empty-sig", "space");
    return Combinators.combine(signed, mutation, position).as(FastPathDifferentialTest::mutate);
  }

  private static String mutate(String token, String mutation, int position) {
    int at = position % token.length();
    return switch (mutation) {
      case "flip" ->
          token.substring(0, at) + (char) (token.charAt(at) ^ 1) + token.substring(at + 1);
      case "pad" -> token + "=";
      case "dot" -> token.substring(0, at) + "." + token.substring(at);
      case "cut" -> token.substring(0, token.length() - 1 - position % 3);
      case "plus" -> token.substring(0, at) + "+" + token.substring(at + 1);
      case "empty-sig" -> token.substring(0, token.lastIndexOf('.') + 1);
      case "space" -> token + " ";
      default -> token;
    };
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Signs with HMAC-SHA{bits} when the header names an HS algorithm, else with {@code bits}. */
  private static String sign(String input, String alg, int bits) {
    int hashBits = alg.matches("HS(256|384|512)") ? Integer.parseInt(alg.substring(2)) : bits;
    try {
      Mac mac = Mac.getInstance("HmacSHA" + hashBits);
      mac.init(new SecretKeySpec(SECRET, "HmacSHA" + hashBits));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aKeyChangeReinitialisesTheReusedMac() throws Exception {
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    String h = b64("{\"alg\":\"HS256\"}");
    String p = b64("{}");
    String token = h + "." + p + "." + sign(h + "." + p, "HS256", 256);
    JsonWebKey right = new OctetSequenceJsonWebKey(new SecretKeySpec(SECRET, "HmacSHA256"));
    JsonWebKey wrong = new OctetSequenceJsonWebKey(new SecretKeySpec(other, "HmacSHA256"));
    for (JsonWebKey key : List.of(right, wrong, right, wrong)) {
      assertThat(outcome(token, key, false)).isEqualTo(outcome(token, key, true));
    }
    assertThat(outcome(token, right, false)).endsWith("verified");
    assertThat(outcome(token, wrong, false)).endsWith("signature does not verify");
  }
}
