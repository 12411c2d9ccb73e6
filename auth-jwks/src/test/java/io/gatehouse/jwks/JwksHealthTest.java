package io.gatehouse.jwks;

import static io.gatehouse.jwks.Tokens.ISS;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Health;
import io.gatehouse.testkit.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JWKS sources as health components, against a real loopback identity provider: UP with fresh keys,
 * DEGRADED while the IdP is down and cached keys still serve, DOWN once there are none; never the
 * URL or host in what is reported.
 */
class JwksHealthTest {
  static final PublicJsonWebKey KEY = Tokens.rsa("health");

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  JwksServer idp;

  @BeforeEach
  void start() throws Exception {
    idp = new JwksServer();
    idp.serve(KEY);
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  Issuers issuers(URI jwksUrl) {
    return Issuers.of(IssuerConfig.builder(ISS).audience("api").jwksUrl(jwksUrl).build());
  }

  JwtAuthenticator authenticator(Issuers issuers) {
    return JwtAuthenticator.builder()
        .clock(clock)
        .issuers(issuers)
        .cacheTtl(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1))
        .maxStale(Duration.ofMinutes(30))
        .failureBackoff(Duration.ZERO)
        .build();
  }

  static Health.Component only(JwtAuthenticator jwt) {
    List<Health.Component> components = jwt.healthCheck().check();
    assertThat(components).hasSize(1);
    return components.get(0);
  }

  static void prefetch(JwtAuthenticator jwt, Issuers issuers) throws Exception {
    jwt.prefetch(issuers).get(10, TimeUnit.SECONDS);
  }

  @Test
  void anIdpDownWithCachedKeysIsDegradedAndWithoutKeysDown() throws Exception {
    Issuers issuers = issuers(idp.url());
    JwtAuthenticator jwt = authenticator(issuers);
    assertThat(jwt.healthCheck().check()).as("no source used yet").isEmpty();

    prefetch(jwt, issuers);
    Health.Component fresh = only(jwt);
    assertThat(fresh.name()).isEqualTo("jwks-1");
    assertThat(fresh.status()).isEqualTo(Health.Status.UP);
    assertThat(fresh.required()).isFalse();
    assertThat(fresh.details())
        .containsEntry("keys", "1")
        .containsEntry("lastSuccess", "2030-01-01T00:00:00Z")
        .containsEntry("keysAgeSeconds", "0")
        .doesNotContainKey("lastError");

    idp.mode(JwksServer.Mode.ERROR_500);
    clock.advance(Duration.ofMinutes(6)); // past the keys' freshness
    prefetch(jwt, issuers);
    Health.Component stale = only(jwt);
    assertThat(stale.status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(stale.details())
        .containsEntry("keys", "1")
        .containsEntry("keysAgeSeconds", "360")
        .containsEntry("lastError", "HttpStatus500");
    assertThat(jwt.healthCheck().health().status()).isEqualTo(Health.Status.DEGRADED);

    idp.close(); // the IdP is gone altogether: connections are refused
    prefetch(jwt, issuers);
    assertThat(only(jwt).status()).isEqualTo(Health.Status.DEGRADED);
    assertThat(only(jwt).details().get("lastError")).endsWith("Exception");

    clock.advance(Duration.ofMinutes(30)); // past the outage limit: no usable keys
    Health.Component down = only(jwt);
    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    // Not required: an IdP outage degrades readiness, it does not take the instance out.
    assertThat(jwt.healthCheck().health().status()).isEqualTo(Health.Status.DEGRADED);
    assertNoAddress(jwt, idp.url());
  }

  @Test
  void anIdpDownFromTheStartIsDown() throws Exception {
    URI url = idp.url();
    idp.close();
    Issuers issuers = issuers(url);
    JwtAuthenticator jwt = authenticator(issuers);
    prefetch(jwt, issuers);
    Health.Component component = only(jwt);
    assertThat(component.status()).isEqualTo(Health.Status.DOWN);
    assertThat(component.details())
        .containsEntry("keys", "0")
        .doesNotContainKey("lastSuccess")
        .containsKey("lastError");
    assertNoAddress(jwt, url);
  }

  @Test
  void sourcesAreNumberedInTheOrderTheyWereCreated() throws Exception {
    try (JwksServer second = new JwksServer()) {
      second.serve(KEY);
      Issuers one = issuers(idp.url());
      Issuers two =
          Issuers.of(
              IssuerConfig.builder("https://other.test")
                  .audience("api")
                  .jwksUrl(second.url())
                  .build());
      JwtAuthenticator jwt = authenticator(one);
      prefetch(jwt, one);
      prefetch(jwt, two);
      second.mode(JwksServer.Mode.GARBAGE);
      clock.advance(Duration.ofMinutes(6));
      prefetch(jwt, two);
      List<Health.Component> components = jwt.healthCheck().check();
      assertThat(components).extracting(Health.Component::name).containsExactly("jwks-1", "jwks-2");
      assertThat(components.get(1).details()).containsEntry("lastError", "InvalidJwks");
    }
  }

  private static void assertNoAddress(JwtAuthenticator jwt, URI url) {
    String shown = jwt.healthCheck().health().toString();
    assertThat(shown)
        .doesNotContain(url.toString())
        .doesNotContain(url.getHost())
        .doesNotContain(Integer.toString(url.getPort()))
        .doesNotContain("jwks.json")
        .doesNotContain("idp.test");
  }
}
