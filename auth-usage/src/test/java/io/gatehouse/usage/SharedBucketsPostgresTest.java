package io.gatehouse.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Reason;
import io.gatehouse.core.UsageVerdict;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two limiters (two instances) sharing a real PostgreSQL under concurrent load: the rate limits
 * allow the configured total across both, the credits are exact; with PostgreSQL stopped each falls
 * back to its own buckets and refuses credits with 503, and shares again once it is back.
 */
class SharedBucketsPostgresTest {
  @TempDir Path data;
  EmbeddedPostgres postgres;
  final List<UsageLimiter> limiters = new ArrayList<>();
  final Map<String, LimitSource.Active> limits = new ConcurrentHashMap<>();
  final LimitSource source = (space, token) -> limits.get(token);

  @AfterEach
  void stop() throws Exception {
    limiters.forEach(UsageLimiter::close);
    if (postgres != null) {
      postgres.close();
    }
  }

  EmbeddedPostgres start(int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data.resolve("pg"))
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  String url() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  UsageLimiter instance() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    properties.setProperty("connectTimeout", "2");
    properties.setProperty("socketTimeout", "5");
    UsageLimiter limiter =
        UsageLimiter.builder(source)
            .store(url(), properties)
            .sharedBuckets(true)
            .threads(4)
            .build();
    limiters.add(limiter);
    return limiter;
  }

  void schema() throws Exception {
    try (Connection connection = DriverManager.getConnection(url(), "postgres", "")) {
      UsageSchema.createCreditsTable(connection);
      UsageSchema.createBucketsTable(connection);
    }
  }

  /** 2 instances x 8 threads, {@code perThread} checks each: how many were admitted. */
  static int hammer(List<UsageLimiter> instances, String token, int perThread) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(16);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      UsageLimiter limiter = instances.get(t % instances.size());
      done.add(
          threads.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  UsageVerdict verdict = UsageLimiterTest.check(limiter, token);
                  if (verdict.admitted()) {
                    admitted.incrementAndGet();
                  } else if (verdict.refusal().reason() != Reason.RATE_LIMITED
                      && verdict.refusal().reason() != Reason.USAGE_EXCEEDED) {
                    other.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> future : done) {
      future.get(120, TimeUnit.SECONDS);
    }
    threads.shutdown();
    assertThat(other.get()).as("refusals other than 429").isZero();
    return admitted.get();
  }

  @Test
  void twoInstancesTogetherAllowTheConfiguredTotalAndSpendCreditsExactly() throws Exception {
    postgres = start(0);
    schema();
    List<UsageLimiter> both = List.of(instance(), instance());

    limits.put("rated", new LimitSource.Active(UsageLimits.parse("150/1h", null, null), 1));
    int allowed = hammer(both, "rated", 25); // 400 attempts within one window
    // Each check is a row lock in PostgreSQL: the shared bucket is exact (tolerance 0).
    assertThat(allowed).isEqualTo(150);

    limits.put("credited", new LimitSource.Active(UsageLimits.parse(null, "120", null), 1));
    assertThat(hammer(both, "credited", 15)).isEqualTo(120); // 240 attempts
    try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "select remaining from "
                    + UsageSchema.CREDITS_TABLE
                    + " where token_id = 'credited'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void withPostgresStoppedEachInstanceLimitsOnItsOwnAndSharesAgainWhenItIsBack() throws Exception {
    postgres = start(0);
    int port = postgres.getPort();
    schema();
    List<UsageLimiter> both = List.of(instance(), instance());
    limits.put("rated", new LimitSource.Active(UsageLimits.parse("20/1h", null, null), 1));
    limits.put("credited", new LimitSource.Active(UsageLimits.parse(null, "50", null), 1));
    assertThat(UsageLimiterTest.check(both.get(0), "rated").admitted()).isTrue();

    postgres.close();
    postgres = null;
    // Per instance: each allows its own 20 (local buckets), never unlimited.
    assertThat(hammer(both, "rated", 10)).isEqualTo(40);
    UsageVerdict credits = UsageLimiterTest.check(both.get(1), "credited");
    assertThat(credits.refusal().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(both.get(0).isStoreDown()).isTrue();

    postgres = start(port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((both.get(0).isStoreDown() || both.get(1).isStoreDown())
        && System.nanoTime() < deadline) {
      Thread.sleep(100); // the outage back-off runs on the real clock
    }
    // Shared again: the one unit used before the outage is remembered, 19 are left in all.
    assertThat(hammer(both, "rated", 5)).isEqualTo(19);
    assertThat(UsageLimiterTest.check(both.get(1), "credited").admitted()).isTrue();
  }
}
