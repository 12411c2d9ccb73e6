package io.gatehouse.core;

import static io.gatehouse.core.PipelineTest.BAD;
import static io.gatehouse.core.PipelineTest.GOOD;
import static io.gatehouse.core.PipelineTest.decide;
import static io.gatehouse.core.PipelineTest.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built-in per-address failure budget. */
class CredentialThrottlesTest {
  static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
  static final Settings DEFAULTS = Settings.empty();

  static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text); // literals only: no DNS
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static void fail(CredentialThrottle throttle, InetAddress client, int times, Instant at) {
    for (int i = 0; i < times; i++) {
      throttle.refused(client, "dev", Reason.UNKNOWN_CREDENTIAL, DEFAULTS, at);
    }
  }

  @Test
  void twentyFailuresThenOneEveryThreeSecondsByDefault() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    InetAddress client = ip("203.0.113.7");

    fail(throttle, client, 19, T0);
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0)).isNull();
    fail(throttle, client, 1, T0);
    AuthOutcome.Failure refused = throttle.admit(client, "dev", DEFAULTS, T0);

    assertThat(refused).isNotNull();
    assertThat(refused.reason()).isEqualTo(Reason.THROTTLED);
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(refused.limit()).isNotNull();
    assertThat(refused.limit().policyHeader()).isEqualTo("\"failed-credentials\";q=20;w=60");
    assertThat(refused.limit().stateHeader()).isEqualTo("\"failed-credentials\";r=0;t=3");
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0.plusMillis(2_999))).isNotNull();
    // One failure regained after 3 s: one more try, and a failure there empties it again.
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0.plusSeconds(3))).isNull();
    fail(throttle, client, 1, T0.plusSeconds(3));
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0.plusSeconds(3))).isNotNull();
    // A minute without failures: the whole budget is back.
    fail(throttle, client, 19, T0.plusSeconds(63));
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0.plusSeconds(63))).isNull();
  }

  @Test
  void otherAddressesAndOtherSpacesAreUnaffected() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    fail(throttle, ip("203.0.113.7"), 100, T0);

    assertThat(throttle.admit(ip("203.0.113.7"), "dev", DEFAULTS, T0)).isNotNull();
    assertThat(throttle.admit(ip("203.0.113.8"), "dev", DEFAULTS, T0)).isNull();
    assertThat(throttle.admit(ip("203.0.113.7"), "prod", DEFAULTS, T0)).isNull();
    assertThat(throttle.admit(ip("2001:db8::7"), "dev", DEFAULTS, T0)).isNull();
  }

  @Test
  void anIpv6HostCannotRotateAddressesInsideItsSlash64() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    for (int i = 1; i <= 20; i++) {
      throttle.refused(
          ip("2001:db8:1:2::" + Integer.toHexString(i)), "dev", Reason.BAD_SIGNATURE, DEFAULTS, T0);
    }

    assertThat(throttle.admit(ip("2001:db8:1:2:ffff:1:2:3"), "dev", DEFAULTS, T0)).isNotNull();
    assertThat(throttle.admit(ip("2001:db8:1:3::1"), "dev", DEFAULTS, T0)).isNull();
    CredentialThrottle perHost = CredentialThrottles.perAddress().ipv6PrefixBits(128).build();
    fail(perHost, ip("2001:db8:1:2::1"), 20, T0);
    assertThat(perHost.admit(ip("2001:db8:1:2::2"), "dev", DEFAULTS, T0)).isNull();
  }

  @Test
  void perSpacePolicyFromTheSettingsAndTheOffSwitch() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    Settings strict =
        Settings.empty()
            .with("dev", CredentialThrottles.POLICY, ThrottlePolicy.of(2, "1/1m"))
            .with("lab", CredentialThrottles.POLICY, ThrottlePolicy.OFF);
    InetAddress client = ip("198.51.100.1");

    throttle.refused(client, "dev", Reason.EXPIRED, strict, T0);
    throttle.refused(client, "dev", Reason.MALFORMED, strict, T0);
    AuthOutcome.Failure refused = throttle.admit(client, "dev", strict, T0);
    for (int i = 0; i < 1000; i++) {
      throttle.refused(client, "lab", Reason.UNKNOWN_CREDENTIAL, strict, T0);
    }

    assertThat(refused).isNotNull();
    assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(throttle.admit(client, "lab", strict, T0)).isNull();
  }

  @Test
  void onlyCredentialFailuresCount() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    InetAddress client = ip("198.51.100.2");
    for (Reason reason : Reason.values()) {
      for (int i = 0; i < 25; i++) {
        if (!reason.isCredentialFailure()) {
          throttle.refused(client, "dev", reason, DEFAULTS, T0);
        }
      }
    }
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0)).isNull();
  }

  @Test
  void aLockoutNeverOutlastsOneFullRefillHoweverManyFailuresRaced() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    InetAddress client = ip("198.51.100.3");
    fail(throttle, client, 10_000, T0);

    assertThat(throttle.admit(client, "dev", DEFAULTS, T0).retryAfter())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(throttle.admit(client, "dev", DEFAULTS, T0.plusSeconds(3))).isNull();
  }

  @Test
  void memoryIsBoundedAndAFloodOfAddressesOnlyEvictsNeverRefusesOthers() {
    CredentialThrottle throttle = CredentialThrottles.perAddress().slots(64).build();
    InetAddress victim = ip("192.0.2.1");
    InetAddress guesser = ip("192.0.2.2");
    fail(throttle, guesser, 20, T0);
    assertThat(throttle.admit(guesser, "dev", DEFAULTS, T0)).isNotNull();

    // 100,000 addresses each fail once: the table keeps 64 entries, the rest are forgotten.
    byte[] address = {10, 0, 0, 0};
    for (int i = 0; i < 100_000; i++) {
      address[1] = (byte) (i >> 16);
      address[2] = (byte) (i >> 8);
      address[3] = (byte) i;
      try {
        throttle.refused(
            InetAddress.getByAddress(address), "dev", Reason.UNKNOWN_CREDENTIAL, DEFAULTS, T0);
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    }

    assertThat(throttle.admit(victim, "dev", DEFAULTS, T0)).isNull();
    assertThat(throttle.admit(ip("10.0.0.5"), "dev", DEFAULTS, T0)).isNull();
  }

  @Test
  void concurrentFailuresAreAllCounted() throws Exception {
    CredentialThrottle throttle = CredentialThrottles.perAddress().build();
    Settings wide =
        Settings.empty().with("dev", CredentialThrottles.POLICY, ThrottlePolicy.of(8_000, "1/1s"));
    InetAddress client = ip("198.51.100.9");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    for (int t = 0; t < 8; t++) {
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 1_000; i++) {
              throttle.refused(client, "dev", Reason.UNKNOWN_CREDENTIAL, wide, T0);
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(throttle.admit(client, "dev", wide, T0)).isNotNull();
    assertThat(throttle.admit(client, "dev", wide, T0.plusSeconds(1))).isNull();
  }

  @Test
  void inThePipelineTheThrottledAddressGets429BeforeTheAuthenticator() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    Gatehouse gatehouse =
        Gatehouse.builder()
            .clock(clock)
            .credentialThrottle(CredentialThrottles.perAddress().build())
            .authenticator(tokens())
            .build();
    AuthRequest bad =
        AuthRequest.builder()
            .method("GET")
            .path("/api")
            .header("x-token", BAD)
            .remoteAddress(ip("203.0.113.50"))
            .build();
    for (int i = 0; i < 20; i++) {
      assertThat(decide(gatehouse, bad).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    }
    Decision good =
        decide(
            gatehouse,
            AuthRequest.builder()
                .method("GET")
                .path("/api")
                .header("x-token", GOOD)
                .remoteAddress(ip("203.0.113.50"))
                .build());
    Decision other =
        decide(
            gatehouse,
            AuthRequest.builder()
                .method("GET")
                .path("/api")
                .header("x-token", GOOD)
                .remoteAddress(ip("203.0.113.51"))
                .build());

    assertThat(good.status()).isEqualTo(429);
    assertThat(good.reason()).isEqualTo(Reason.THROTTLED);
    assertThat(Refusal.retryAfter(good)).isEqualTo("3");
    assertThat(Refusal.rateLimit(good)).isEqualTo("\"failed-credentials\";r=0;t=3");
    assertThat(good.explain()).contains("throttle");
    assertThat(other.allowed()).isTrue();
  }

  @Test
  void buildersAndPoliciesRefuseBadValuesByName() {
    assertThatThrownBy(() -> CredentialThrottles.perAddress().slots(10))
        .hasMessageContaining("slots");
    assertThatThrownBy(() -> CredentialThrottles.perAddress().ipv6PrefixBits(8))
        .hasMessageContaining("ipv6PrefixBits");
    assertThatThrownBy(() -> ThrottlePolicy.of(0, "1/3s")).hasMessageContaining("failures");
    assertThatThrownBy(() -> ThrottlePolicy.of(20, "one per 3s")).hasMessageContaining("rate");
    assertThatThrownBy(() -> ThrottlePolicy.of(2, "5/1s")).hasMessageContaining("refill");
    assertThat(ThrottlePolicy.of(20, "1/3s")).isEqualTo(ThrottlePolicy.DEFAULT);
    assertThat(ThrottlePolicy.DEFAULT.refillText()).isEqualTo("1/3s");
    assertThat(ThrottlePolicy.of(30, "2/1m").describe())
        .isEqualTo("30 refused credentials per address, then 2/1m");
    assertThat(ThrottlePolicy.OFF.describe()).startsWith("off");
    assertThat(ThrottlePolicy.of(5, "1/500ms").millisPerFailure()).isEqualTo(500);
    assertThat(ThrottlePolicy.of(5, "1/2h").refillText()).isEqualTo("1/2h");
    assertThat(ThrottlePolicy.of(5, "1/1d").refillText()).isEqualTo("1/1d");
    assertThat(CredentialThrottles.perAddress().slots(100).build()).isNotNull();
  }
}
