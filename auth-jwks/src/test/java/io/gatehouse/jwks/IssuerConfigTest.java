package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration mistakes fail at build time, naming the bad value. */
class IssuerConfigTest {
  static final byte[] SECRET = new byte[32];

  @Test
  void defaultsAreStrict() {
    IssuerConfig jwks = IssuerConfig.builder("iss").jwksUrl("https://idp.test/jwks").build();
    assertThat(jwks.algorithms()).containsExactly("RS256");
    assertThat(jwks.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(jwks.usesSecret()).isFalse();
    IssuerConfig hs = IssuerConfig.builder("iss").hmacSecret(SECRET).build();
    assertThat(hs.algorithms()).containsExactly("HS256");
    assertThat(hs.toString()).doesNotContain("AAAA").contains("hmac secret");
    assertThat(
            IssuerConfig.builder("iss")
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
            () -> IssuerConfig.builder("iss").hmacSecret(SECRET).algorithms("HS512").build())
        .hasMessageContaining("HS512 needs a secret of at least 512 bits");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("http://idp.test/jwks"))
        .hasMessageContaining("https");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("https://u:p@idp.test/jwks"))
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").jwksUrl("::nope"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IssuerConfig.builder("iss").algorithms("none"))
        .hasMessageContaining("'none'");
    assertThatThrownBy(() -> IssuerConfig.builder("iss").build())
        .hasMessageContaining("exactly one");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss").jwksUrl("https://a.test/j").hmacSecret(SECRET).build())
        .hasMessageContaining("exactly one");
    assertThatThrownBy(
            () -> IssuerConfig.builder("iss").hmacSecret(SECRET).algorithms("RS256").build())
        .hasMessageContaining("RS256 needs a JWKS URL");
    assertThatThrownBy(
            () ->
                IssuerConfig.builder("iss")
                    .hmacSecret(SECRET)
                    .clockSkew(Duration.ofMinutes(6))
                    .build())
        .hasMessageContaining("clockSkew");
    assertThatThrownBy(
            () -> IssuerConfig.builder("iss").hmacSecret(SECRET).maxLifetime(Duration.ZERO).build())
        .hasMessageContaining("maxLifetime");
    assertThatThrownBy(() -> IssuerConfig.builder(" ").hmacSecret(SECRET).build())
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

  @Test
  void issuersRefuseDuplicatesAndCanBeEdited() {
    IssuerConfig a = IssuerConfig.builder("a").hmacSecret(SECRET).build();
    IssuerConfig b = IssuerConfig.builder("b").hmacSecret(SECRET).build();
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
