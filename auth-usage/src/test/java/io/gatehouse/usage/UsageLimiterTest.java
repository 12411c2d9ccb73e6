package io.gatehouse.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Identity;
import io.gatehouse.core.RateLimitState;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import io.gatehouse.core.UsageVerdict;
import io.gatehouse.testkit.MutableClock;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exact counts on one instance, time from a {@link MutableClock}. */
class UsageLimiterTest {
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
  static final AtomicInteger DATABASES = new AtomicInteger();

  final Map<String, LimitSource.Active> limits = new ConcurrentHashMap<>();
  final LimitSource source = (space, token) -> limits.get(space + "/" + token);
  UsageLimiter limiter;

  @AfterEach
  void close() {
    if (limiter != null) {
      limiter.close();
    }
  }

  static Identity token(String id) {
    return Identity.builder(id, "apikey", "dev").credentialId(id).build();
  }

  static AuthContext context() {
    AuthRequest request = AuthRequest.builder().method("GET").path("/").build();
    return new AuthContext(
        request, "dev", InetAddress.getLoopbackAddress(), Settings.empty(), CLOCK.instant());
  }

  static UsageVerdict check(UsageLimiter limiter, String id) {
    try {
      return limiter.check(context(), token(id)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  void limit(String id, String rate, String uses, String refill, long setAt) {
    limits.put("dev/" + id, new LimitSource.Active(UsageLimits.parse(rate, uses, refill), setAt));
  }

  static String h2() throws SQLException {
    String url = "jdbc:h2:mem:usage" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    try (Connection connection = DriverManager.getConnection(url)) {
      UsageSchema.createCreditsTable(connection);
      UsageSchema.createBucketsTable(connection); // nothing on H2
    }
    return url;
  }

  @Test
  void aRateLimitAllowsExactlyItsQuotaThenRefusesUntilATokenIsBack() {
    limiter = UsageLimiter.builder(source).clock(CLOCK).build();
    limit("tok1", "100/1m", null, null, 1);

    for (int i = 0; i < 100; i++) {
      UsageVerdict verdict = check(limiter, "tok1");
      assertThat(verdict.admitted()).as("request %d", i + 1).isTrue();
      assertThat(verdict.state().remaining()).isEqualTo(99 - i);
    }
    UsageVerdict refused = check(limiter, "tok1");

    assertThat(refused.admitted()).isFalse();
    assertThat(refused.refusal().reason()).isEqualTo(Reason.RATE_LIMITED);
    assertThat(refused.refusal().detail())
        .isEqualTo("the token's rate limit '100-per-1m' is reached; retry in 1 s")
        .doesNotContain("tok1");
    assertThat(refused.refusal().retryAfter()).isEqualTo(Duration.ofMillis(600));
    RateLimitState state = refused.state();
    assertThat(state.policyHeader()).isEqualTo("\"100-per-1m\";q=100;w=60");
    assertThat(state.stateHeader()).isEqualTo("\"100-per-1m\";r=0;t=1");

    CLOCK.advance(Duration.ofMillis(599));
    assertThat(check(limiter, "tok1").admitted()).isFalse();
    CLOCK.advance(Duration.ofMillis(1));
    assertThat(check(limiter, "tok1").admitted()).isTrue();
    assertThat(check(limiter, "tok1").admitted()).isFalse();
    CLOCK.advance(Duration.ofMinutes(1));
    int allowed = 0;
    while (check(limiter, "tok1").admitted()) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(100); // full again, and never more than full
  }

  @Test
  void severalRatesTheTightestIsToldAndTheOneThatRefusesIsNamed() {
    limiter = UsageLimiter.builder(source).clock(CLOCK).build();
    limit("tok2", "3/1s,5/1h", null, null, 1);

    UsageVerdict first = check(limiter, "tok2");
    assertThat(first.state().policy()).isEqualTo("3-per-1s");
    assertThat(first.state().remaining()).isEqualTo(2);
    check(limiter, "tok2");
    check(limiter, "tok2");
    UsageVerdict perSecond = check(limiter, "tok2");
    assertThat(perSecond.refusal().detail()).contains("'3-per-1s'");

    CLOCK.advance(Duration.ofSeconds(1));
    UsageVerdict fourth = check(limiter, "tok2");
    assertThat(fourth.admitted()).isTrue();
    assertThat(fourth.state().policy()).isEqualTo("5-per-1h"); // 1 left per hour, 2 per second
    assertThat(fourth.state().remaining()).isEqualTo(1);
    check(limiter, "tok2");
    UsageVerdict perHour = check(limiter, "tok2");
    assertThat(perHour.refusal().detail()).contains("'5-per-1h'");
    // One unit per 12 min, refilling since the bucket was made a second ago.
    assertThat(perHour.refusal().retryAfter()).isEqualTo(Duration.ofMinutes(12).minusSeconds(1));

    // The per-hour refusal gave back the per-second unit: then exactly one more passes.
    CLOCK.advance(Duration.ofMinutes(12).minusSeconds(1));
    assertThat(check(limiter, "tok2").admitted()).isTrue();
    assertThat(check(limiter, "tok2").admitted()).isFalse();
  }

  @Test
  void changedLimitsStartFreshBucketsAndTokensWithoutLimitsAreAdmittedInPlace() {
    limiter = UsageLimiter.builder(source).clock(CLOCK).build();
    limit("tok3", "1/1h", null, null, 1);
    assertThat(check(limiter, "tok3").admitted()).isTrue();
    assertThat(check(limiter, "tok3").admitted()).isFalse();

    limit("tok3", "2/1h", null, null, 2);
    assertThat(check(limiter, "tok3").admitted()).isTrue();
    assertThat(check(limiter, "tok3").admitted()).isTrue();
    assertThat(check(limiter, "tok3").admitted()).isFalse();

    assertThat(limiter.check(context(), token("free")).toCompletableFuture()).isCompleted();
    assertThat(check(limiter, "free")).isEqualTo(UsageVerdict.admit());
    Identity jwt = Identity.builder("alice", "jwt", "dev").build();
    assertThat(limiter.check(context(), jwt).toCompletableFuture().join().admitted()).isTrue();
  }

  @Test
  void governsLeavesOtherIdentitiesAlone() {
    limiter =
        UsageLimiter.builder(source)
            .clock(CLOCK)
            .governs(identity -> identity.method().equals("admintoken"))
            .build();
    limit("tok4", "1/1h", null, null, 1);

    for (int i = 0; i < 5; i++) {
      assertThat(check(limiter, "tok4").admitted()).isTrue();
    }
  }

  @Test
  void creditsAreSpentExactlyNeverBelowZeroAndRefillOnSchedule() throws Exception {
    limiter = UsageLimiter.builder(source).clock(CLOCK).store(h2(), new Properties()).build();
    long setAt = CLOCK.millis();
    limit("tok5", null, "3", "3/1d", setAt);

    for (int left = 2; left >= 0; left--) {
      UsageVerdict verdict = check(limiter, "tok5");
      assertThat(verdict.admitted()).isTrue();
      assertThat(verdict.state().policy()).isEqualTo("uses");
      assertThat(verdict.state().remaining()).isEqualTo(left);
      assertThat(verdict.state().reset()).isEqualTo(Duration.ofDays(1));
    }
    CLOCK.advance(Duration.ofHours(6));
    UsageVerdict refused = check(limiter, "tok5");
    assertThat(refused.refusal().reason()).isEqualTo(Reason.USAGE_EXCEEDED);
    assertThat(refused.refusal().retryAfter()).isEqualTo(Duration.ofHours(18));
    assertThat(refused.state().stateHeader()).isEqualTo("\"uses\";r=0;t=64800");
    assertThat(refused.state().policyHeader()).isEqualTo("\"uses\";q=3;w=86400");
    assertThat(refused.refusal().detail()).contains("'uses'").doesNotContain("tok5");

    CLOCK.advance(Duration.ofHours(18).plusDays(2)); // three periods later: one refill, on schedule
    UsageVerdict refilled = check(limiter, "tok5");
    assertThat(refilled.admitted()).isTrue();
    assertThat(refilled.state().remaining()).isEqualTo(2);
    assertThat(refilled.state().reset()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void creditsWithoutRefillAndNewLimitsGrantAnew() throws Exception {
    limiter = UsageLimiter.builder(source).clock(CLOCK).store(h2(), new Properties()).build();
    limit("tok6", null, "1", null, 10);

    UsageVerdict spent = check(limiter, "tok6");
    assertThat(spent.state().stateHeader()).isEqualTo("\"uses\";r=0;t=0");
    UsageVerdict refused = check(limiter, "tok6");
    assertThat(refused.refusal().reason()).isEqualTo(Reason.USAGE_EXCEEDED);
    assertThat(refused.refusal().retryAfter()).isEqualTo(UsageLimiter.NO_REFILL_RETRY);

    limit("tok6", null, "2", null, 11);
    assertThat(check(limiter, "tok6").admitted()).isTrue();
    assertThat(check(limiter, "tok6").admitted()).isTrue();
    assertThat(check(limiter, "tok6").admitted()).isFalse();

    // An instance whose cache still holds the older limits spends from the newer grant.
    limit("tok6", null, "1", null, 10);
    assertThat(check(limiter, "tok6").admitted()).isFalse();

    limit("tok7", null, "0", null, 12);
    assertThat(check(limiter, "tok7").refusal().reason()).isEqualTo(Reason.USAGE_EXCEEDED);
  }

  @Test
  void ratesAndCreditsTogetherTheTightestIsTold() throws Exception {
    limiter = UsageLimiter.builder(source).clock(CLOCK).store(h2(), new Properties()).build();
    limit("tok8", "10/1m", "2", null, 1);

    UsageVerdict first = check(limiter, "tok8");
    assertThat(first.state().policy()).isEqualTo("uses");
    assertThat(first.state().remaining()).isEqualTo(1);
    check(limiter, "tok8");
    assertThat(check(limiter, "tok8").refusal().reason()).isEqualTo(Reason.USAGE_EXCEEDED);
  }

  @Test
  void creditsFailClosedWith503WhenTheStoreIsUnreachableOrAbsent() throws Exception {
    limiter = UsageLimiter.builder(source).clock(CLOCK).build();
    limit("tok9", "5/1m", "5", null, 1);
    assertThat(check(limiter, "tok9").refusal().reason()).isEqualTo(Reason.UNAVAILABLE);
    limiter.close();

    limiter =
        UsageLimiter.builder(source)
            .clock(CLOCK)
            .store("jdbc:h2:mem:nosuchtable" + DATABASES.incrementAndGet(), new Properties())
            .build();
    UsageVerdict verdict = check(limiter, "tok9");
    assertThat(verdict.refusal().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(verdict.refusal().retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(limiter.isStoreDown()).isTrue();
    // Rate limits alone still apply from local buckets meanwhile.
    limit("tok10", "1/1m", null, null, 1);
    assertThat(check(limiter, "tok10").admitted()).isTrue();
    assertThat(check(limiter, "tok10").admitted()).isFalse();
    CLOCK.advance(Duration.ofSeconds(UsageLimiter.OUTAGE_RETRY_SECONDS));
    assertThat(limiter.isStoreDown()).isFalse();
  }

  @Test
  void theBuilderChecksItsArguments() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> UsageLimiter.builder(source).sharedBuckets(true).build())
        .hasMessageContaining("needs a store");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> UsageLimiter.builder(source).threads(0))
        .hasMessageContaining("1 to 64");
  }

  @Test
  void thePoolOfAStoreUrlIsSizedByThreadsWhicheverIsSetFirst() throws SQLException {
    String url = h2();
    try (UsageLimiter threadsFirst =
            UsageLimiter.builder(source).threads(8).store(url, new Properties()).build();
        UsageLimiter storeFirst =
            UsageLimiter.builder(source).store(url, new Properties()).threads(8).build()) {
      assertThat(threadsFirst.pooledConnectionsKept()).isEqualTo(9);
      assertThat(storeFirst.pooledConnectionsKept()).isEqualTo(9);
    }
    try (UsageLimiter replaced =
        UsageLimiter.builder(source)
            .store(url, new Properties())
            .store(new org.h2.jdbcx.JdbcDataSource())
            .build()) {
      assertThat(replaced.pooledConnectionsKept()).isZero();
    }
  }
}
