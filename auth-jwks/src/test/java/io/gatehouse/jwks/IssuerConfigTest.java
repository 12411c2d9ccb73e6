package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration mistakes fail at build time, naming the bad value. */
class IssuerConfigTest {
  static final byte[] SECRET = new byte[32];

  @Test
  void defaultsAreStrict() {
    IssuerConfig jwks =
        IssuerConfig.builder("iss").audience("api").jwksUrl("https://idp.test/jwks").build();
    assertThat(jwks.algorithms()).isEmpty();
    assertThat(jwks.algorithmsFromKeys()).isTrue();
    assertThat(jwks.describeAlgorithms()).contains("declared alg", "RS256");
    assertThat(jwks.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(jwks.usesSecret()).isFalse();
    IssuerConfig hs = IssuerConfig.builder("iss").audience("api").hmacSecret(SECRET).build();
    assertThat(hs.algorithms()).containsExactly("HS256");
    assertThat(hs.toString()).doesNotContain("AAAA").contains("hmac secret");
    assertThat(
            IssuerConfig.builder("iss")
                .audience("api")
                .hmacSecretBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
                .build()
                .usesSecret())
        .isTrue();
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> IssuerConfig.builder("iss").hmacSecret(new byte[31]))
        .hasMessageContaining("256 bits");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .audience("api")
                    .hmacSecret(SECRET)
                    .algorithms("HS512")
                    .build())
        .hasMessageContaining("HS512 needs a secret of at least 512 bits");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("http://idp.test/jwks"))
        .hasMessageContaining("https");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("https://u:p@idp.test/jwks"))
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("::nope"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IssuerConfig.builder("iss").algorithms("none"))
        .hasMessageContaining("'none'");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").audience("api").build())
        .hasMessageContaining("exactly one");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .audience("api")
                    .jwksUrl("https://a.test/j")
                    .hmacSecret(SECRET)
                    .build())
        .hasMessageContaining("exactly one");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .audience("api")
                    .hmacSecret(SECRET)
                    .algorithms("RS256")
                    .build())
        .hasMessageContaining("RS256 needs a JWKS URL");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .audience("api")
                    .hmacSecret(SECRET)
                    .clockSkew(Duration.ofMinutes(6))
                    .build())
        .hasMessageContaining("clockSkew");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .audience("api")
                    .hmacSecret(SECRET)
                    .maxLifetime(Duration.ZERO)
                    .build())
        .hasMessageContaining("maxLifetime");
    assertThatThrownBy(() -> IssuerConfig.builder(" ").audience("api").hmacSecret(SECRET).build())
        .hasMessageContaining("issuer");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").audience(" "))
        .hasMessageContaining("audience");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").requireClaims(""))
        .hasMessageContaining("claim");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").hmacSecretBase64("***"))
        .hasMessageContaining("base64");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").hmacSecretBase64("c2hvcnQ"))
        .hasMessage("HMAC secret must have at least 256 bits, had 40");
  }

  /**
   * Issue 11 item 6: "http only on loopback" was a prefix test on the host text, so any name that
   * starts with {@code 127.} (resolving wherever its owner likes) could serve keys in clear text.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.attacker.example/jwks.json",
        "http://127.0.0.1.nip.io/jwks.json",
        "http://127.0.0.1.example/jwks.json",
        "http://localhost.attacker.example/jwks.json",
        "http://localhost./jwks.json",
        "http://127.1/jwks.json",
        "http://127.0.1/jwks.json",
        "http://0x7f.0.0.1/jwks.json",
        "http://0177.0.0.1/jwks.json",
        "http://127.0.0.01/jwks.json",
        "http://127.0.0.256/jwks.json",
        "http://2130706433/jwks.json",
        "http://128.0.0.1/jwks.json",
        "http://10.0.0.1/jwks.json",
        "http://0.0.0.0/jwks.json",
        "http://[::ffff:127.0.0.1]/jwks.json",
        "http://[::ffff:7f00:1]/jwks.json",
        "http://[::2]/jwks.json",
        "http://[::]/jwks.json",
        "http://[fe80::1]/jwks.json",
        "http://idp.example/jwks.json",
        "ftp://127.0.0.1/jwks.json",
      })
  void httpIsRefusedForAnyHostThatIsNotALiteralLoopback(String url) {
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl(url))
        .as(url)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JWKS URL must");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://alice:hunter2-secret@idp.example/jwks.json",
        "http://alice:hunter2-secret@idp.example/jwks.json",
      })
  void aRefusedUrlNeverRepeatsItsPassword(String url) {
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl(url))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("***@idp.example")
        .message()
        .doesNotContain("hunter2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost/jwks.json",
        "http://LOCALHOST:8080/jwks.json",
        "http://127.0.0.1/jwks.json",
        "http://127.0.0.1:9999/jwks.json",
        "http://127.255.255.254/jwks.json",
        "http://127.1.2.3/jwks.json",
        "http://[::1]/jwks.json",
        "http://[::1]:8443/jwks.json",
        "http://[0:0:0:0:0:0:0:1]/jwks.json",
        "https://127.attacker.example/jwks.json",
        "https://idp.example/jwks.json",
      })
  void httpIsAllowedOnLiteralLoopbackAndHttpsAnywhere(String url) {
    assertThat(IssuerConfig.builder("iss").jwksUrl(url).audience("api").build().jwksUrl())
        .hasToString(url);
  }

  /**
   * Issue 11 item 5: an issuer without an audience accepted tokens its IdP minted for any other
   * client (and its ID tokens). Now it does not build unless the opt-out is explicit.
   */
  @Test
  void anIssuerWithoutAnAudienceDoesNotBuildUnlessAnyAudienceIsExplicit() {
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("https://idp.test/jwks").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issuer 'iss' has no audience")
        .hasMessageContaining("audience(...)")
        .hasMessageContaining("anyAudience()");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").hmacSecret(SECRET).build())
        .hasMessageContaining("anyAudience()");
    IssuerConfig any =
        IssuerConfig.builder("iss").jwksUrl("https://idp.test/jwks").anyAudience().build();
    assertThat(any.anyAudience()).isTrue();
    assertThat(any.audiences()).isEmpty();
    assertThat(any.toString()).contains("ANY audience");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .hmacSecret(SECRET)
                    .audience("api")
                    .anyAudience()
                    .build())
        .hasMessageContaining("exclude each other");
  }

  @Test
  void refusedIssuersAreKeptApartFromTrustedOnes() {
    IssuerConfig a = IssuerConfig.builder("a").hmacSecret(SECRET).audience("api").build();
    Issuers issuers = Issuers.of(a).refusing("b", "no audience");
    assertThat(issuers.get("b")).isNull();
    assertThat(issuers.refusal("b")).isEqualTo("no audience");
    assertThat(issuers.all()).containsExactly(a);
    assertThat(Issuers.NONE.refusing("b", "why").isEmpty()).isFalse();
    assertThat(issuers.refusing("a", "stale").get("a")).isNull();
    assertThat(issuers.without("b").refused()).isEmpty();
    assertThat(issuers.refusing("a", "x").with(a).refusal("a")).isNull();
    assertThat(issuers.toString()).contains("refused [b]");
  }

  @Test
  void issuersRefuseDuplicatesAndCanBeEdited() {
    IssuerConfig a = IssuerConfig.builder("a").audience("api").hmacSecret(SECRET).build();
    IssuerConfig b = IssuerConfig.builder("b").audience("api").hmacSecret(SECRET).build();
    assertThatThrownBy(() -> Issuers.of(a, a)).hasMessageContaining("'a' is configured twice");
    Issuers both = Issuers.of(a).with(b);
    assertThat(both.all()).containsExactly(a, b);
    assertThat(both.without("a").all()).containsExactly(b);
    assertThat(both.without("a").without("b")).isSameAs(Issuers.NONE);
    assertThat(both.toString()).contains("a", "b");
  }

  @Test
  void authenticatorBuilderValidates() {
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .cacheTtl(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)))
        .hasMessageContaining("min <= default <= max");
    assertThatThrownBy(() -> JwtAuthenticator.builder().waitBudget(Duration.ZERO))
        .hasMessageContaining("waitBudget");
    assertThatThrownBy(() -> JwtAuthenticator.builder().maxStale(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxStale");
    assertThatThrownBy(() -> JwtAuthenticator.builder().maxTokenLength(10))
        .hasMessageContaining("maxTokenLength");
    assertThatThrownBy(() -> JwtAuthenticator.builder().tokenCacheSize(-1))
        .hasMessageContaining("tokenCacheSize");
    assertThatThrownBy(() -> JwtAuthenticator.builder().id(" ")).hasMessageContaining("id");
    assertThatThrownBy(
            () ->
                JwtAuthenticator.builder()
                    .snapshotDirectory(java.nio.file.Path.of("/nonexistent/x")))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(
            () -> new ClaimMapping("", java.util.List.of(), null, io.gatehouse.core.Access.READ))
        .hasMessageContaining("subjectClaim");
  }
}
