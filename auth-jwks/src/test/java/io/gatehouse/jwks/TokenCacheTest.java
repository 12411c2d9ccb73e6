package io.gatehouse.jwks;

import static io.gatehouse.jwks.Tokens.ISS;
import static io.gatehouse.jwks.Tokens.await;
import static io.gatehouse.jwks.Tokens.claims;
import static io.gatehouse.jwks.Tokens.context;
import static io.gatehouse.jwks.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import io.gatehouse.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verified-token cache: same answer, no re-verification, and every reason to drop an entry. */
class TokenCacheTest {
  static final PublicJsonWebKey KEY = Tokens.rsa("k1");
  static final PublicJsonWebKey OTHER = Tokens.rsa("k2");

  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  JwksServer server;
  IssuerConfig issuer;
  DefaultJwtAuthenticator jwt;

  @BeforeEach
  void start() throws Exception {
    server = new JwksServer();
    server.serve(KEY, OTHER);
    issuer = IssuerConfig.builder(ISS).audience("api").jwksUrl(server.url()).build();
    AuthListener listener =
        new AuthListener() {
          @Override
          public void onEvent(AuthEvent event) {
            events.add(event);
          }
        };
    jwt =
        (DefaultJwtAuthenticator)
            JwtAuthenticator.builder()
                .clock(clock)
                .listener(listener)
                .issuers(Issuers.of(issuer))
                .kidMissCooldown(Duration.ZERO)
                .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aHitReturnsTheVerifiedOutcomeWithoutVerifyingAgain() {
    String token = sign(claims(clock), KEY, "RS256");
    // The first call fetches the keys; the second verifies from cached keys and caches the token.
    assertThat(await(jwt.authenticate(context(token, clock))))
        .isInstanceOf(AuthOutcome.Success.class);
    CompletionStage<AuthOutcome> second = jwt.authenticate(context(token, clock));
    CompletionStage<AuthOutcome> third = jwt.authenticate(context(token, clock));
    assertThat(third).isSameAs(second);
    assertThat(third.toCompletableFuture()).isDone();
    assertThat(jwt.cachedTokens()).isEqualTo(1);
    assertThat(events.stream().map(AuthEvent::type)).contains("jwt.cache_hit");
  }

  @Test
  void timeClaimsAreRecheckedOnEveryHit() {
    JwtClaims claims = claims(clock);
    claims.setExpirationTime(NumericDate.fromSeconds(clock.millis() / 1000 + 120));
    String token = sign(claims, KEY, "RS256");
    assertThat(await(jwt.authenticate(context(token, clock))))
        .isInstanceOf(AuthOutcome.Success.class);
    clock.advance(Duration.ofSeconds(150)); // past exp, within the 60 s skew
    assertThat(await(jwt.authenticate(context(token, clock))))
        .isInstanceOf(AuthOutcome.Success.class);
    clock.advance(Duration.ofSeconds(40)); // past exp + skew
    AuthOutcome late = await(jwt.authenticate(context(token, clock)));
    assertThat(((AuthOutcome.Failure) late).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void anEntryIsDroppedWhenItsKeyLeavesTheJwks() {
    String token = sign(claims(clock), KEY, "RS256");
    assertThat(await(jwt.authenticate(context(token, clock))))
        .isInstanceOf(AuthOutcome.Success.class);
    server.serve(OTHER);
    // A token for an unknown kid makes the source refetch and notice k1 is gone.
    JwtClaims other = claims(clock);
    String probe = sign(other.toJson(), OTHER.getPrivateKey(), "RS256", "k3", java.util.Map.of());
    await(jwt.authenticate(context(probe, clock)));
    assertThat(jwt.cachedTokens()).isZero();
    AuthOutcome after = await(jwt.authenticate(context(token, clock)));
    assertThat(((AuthOutcome.Failure) after).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
  }

  @Test
  void aChangedIssuerOrAnotherSpaceVerifiesAgain() {
    String token = sign(claims(clock), KEY, "RS256");
    Settings strict =
        Settings.empty()
            .with(
                "default",
                JwtSettings.ISSUERS,
                Issuers.of(
                    IssuerConfig.builder(ISS).jwksUrl(server.url()).audience("billing").build()));
    assertThat(await(jwt.authenticate(context(token, clock))))
        .isInstanceOf(AuthOutcome.Success.class);
    AuthOutcome changed = await(jwt.authenticate(context(token, clock, strict, "default")));
    assertThat(((AuthOutcome.Failure) changed).reason()).isEqualTo(Reason.BAD_CLAIMS);
    AuthOutcome otherSpace =
        await(jwt.authenticate(context(token, clock, Settings.empty(), "other")));
    assertThat(((AuthOutcome.Success) otherSpace).identity().space()).isEqualTo("other");
  }

  @Test
  void theCacheCanBeTurnedOff() {
    JwtAuthenticator uncached =
        JwtAuthenticator.builder()
            .clock(clock)
            .issuers(Issuers.of(issuer))
            .tokenCacheSize(0)
            .build();
    String token = sign(claims(clock), KEY, "RS256");
    CompletionStage<AuthOutcome> first = uncached.authenticate(context(token, clock));
    CompletionStage<AuthOutcome> second = uncached.authenticate(context(token, clock));
    assertThat(await(second)).isInstanceOf(AuthOutcome.Success.class);
    assertThat(second).isNotSameAs(first);
  }
}
