package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 7515 appendix A, RFC 7520 section 4 and RFC 8037 signature examples. Their {@code exp} is in
 * 2011, so the JWT ones run through the authenticator with a clock set to 2011 (time checks on, at
 * the examples' own time).
 */
class RfcExamplesTest {

  static JsonWebKey key(Map<String, Object> jwk) throws JoseException {
    return JsonWebKey.Factory.newJwk(jwk);
  }

  static void verify(String compact, JsonWebKey key) throws Refusal {
    JwsVerifier.verify(JwsParser.parse(compact, 64 * 1024), key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"A.1", "A.2", "A.3", "A.4"})
  void rfc7515AppendixAVerifies(String example) throws Exception {
    String compact = Vectors.text("rfc7515-appendixA/rfc7515_" + example + ".jwsc");
    JsonWebKey key =
        JsonWebKey.Factory.newJwk(Vectors.text("rfc7515-appendixA/rfc7515_" + example + ".jwk"));
    verify(compact, key);
    int signatureStart = compact.lastIndexOf('.') + 1;
    char first = compact.charAt(signatureStart);
    String tampered =
        compact.substring(0, signatureStart)
            + (first == 'A' ? 'B' : 'A')
            + compact.substring(signatureStart + 1);
    assertThatThrownBy(() -> verify(tampered, key))
        .isInstanceOfSatisfying(
            Refusal.class,
            r -> assertThat(r.reason()).isIn(Reason.BAD_SIGNATURE, Reason.MALFORMED));
  }

  @Test
  void rfc7515A1VerifiesThroughTheAuthenticatorAtItsOwnTime() throws Exception {
    Map<String, Object> jwk = Vectors.json("rfc7515-appendixA/rfc7515_A.1.jwk");
    byte[] secret = Base64.getUrlDecoder().decode((String) jwk.get("k"));
    IssuerConfig joe =
        IssuerConfig.builder("joe")
            .anyAudience()
            .hmacSecret(secret)
            .claimMapping(
                new ClaimMapping(
                    "iss", java.util.List.of("scope"), null, io.gatehouse.core.Access.READ))
            .build();
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(1300819380 - 600));
    JwtAuthenticator jwt = JwtAuthenticator.builder().clock(clock).issuers(Issuers.of(joe)).build();
    String token = Vectors.text("rfc7515-appendixA/rfc7515_A.1.jwsc");
    AuthOutcome outcome = Tokens.await(jwt.authenticate(Tokens.context(token, clock)));
    assertThat(outcome).isInstanceOf(AuthOutcome.Success.class);
    assertThat(((AuthOutcome.Success) outcome).identity().claims())
        .containsEntry("http://example.com/is_root", true);
    // The same token today is expired.
    MutableClock today = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    JwtAuthenticator now = JwtAuthenticator.builder().clock(today).issuers(Issuers.of(joe)).build();
    AuthOutcome late = Tokens.await(now.authenticate(Tokens.context(token, today)));
    assertThat(((AuthOutcome.Failure) late).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void rfc7515A5UnsecuredIsRefused() throws Exception {
    String compact = Vectors.text("rfc7515-appendixA/rfc7515_A.5.jwsc");
    assertThatThrownBy(() -> JwsParser.parse(compact, 64 * 1024))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    IssuerConfig joe = IssuerConfig.builder("joe").anyAudience().hmacSecret(new byte[32]).build();
    MutableClock clock = new MutableClock(Instant.ofEpochSecond(1300819380 - 600));
    JwtAuthenticator jwt = JwtAuthenticator.builder().clock(clock).issuers(Issuers.of(joe)).build();
    AuthOutcome outcome = Tokens.await(jwt.authenticate(Tokens.context(compact, clock)));
    assertThat(((AuthOutcome.Failure) outcome).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rfc7515_A.6.jwsg", "rfc7515_A.7.jwsf"})
  void jsonSerializationsAreNotBearerTokens(String file) {
    String json = Vectors.text("rfc7515-appendixA/" + file);
    assertThatThrownBy(() -> JwsParser.parse(json, 64 * 1024))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.MALFORMED));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "jws/4_1.rsa_v15_signature.json",
        "jws/4_2.rsa-pss_signature.json",
        "jws/4_3.ecdsa_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
        "curve25519/jws.json"
      })
  void rfc7520AndRfc8037ExamplesVerify(String file) throws Exception {
    Map<String, Object> example = Vectors.json("jose-cookbook/" + file);
    Map<String, Object> input = Vectors.map(example.get("input"));
    JsonWebKey key = key(Vectors.map(input.get("key")));
    String compact = (String) Vectors.map(example.get("output")).get("compact");
    verify(compact, key);
    // The same signature under another algorithm of the family never verifies.
    String alg = (String) input.get("alg");
    key.setAlgorithm(alg.equals("HS256") ? "HS384" : alg.equals("EdDSA") ? "ES256" : "RS512");
    assertThatThrownBy(() -> verify(compact, key))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void rfc7797UnencodedPayloadIsRefused() {
    Map<String, Object> example =
        Vectors.json("jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json");
    Map<String, Object> flat = Vectors.map(Vectors.map(example.get("output")).get("json_flat"));
    String compact = flat.get("protected") + ".." + flat.get("signature");
    assertThatThrownBy(() -> JwsParser.parse(compact, 64 * 1024))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.MALFORMED));
  }
}
