package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The change poll is commit-order safe, and a lost notification connection ends in a full resync.
 * Polls are run by hand ({@link JdbcTokenStore#poll()}; the background poll interval is 5 min), so
 * which rows each poll saw is fixed, not timed.
 */
class ChangePollOrderTest {
  private static final Duration SLOW_POLL = Duration.ofMinutes(5);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    closing.add(0, resource);
    return resource;
  }

  private String url(StoreKind kind) {
    return switch (kind) {
      case H2 -> TokenStores.h2Url(dir);
      case POSTGRES -> Postgres.freshDatabase();
      default -> throw new IllegalArgumentException("not a JDBC store: " + kind);
    };
  }

  private static String user(StoreKind kind) {
    return kind == StoreKind.POSTGRES ? "postgres" : "";
  }

  private JdbcTokenStore store(String url, String user) {
    return (JdbcTokenStore)
        closing(TokenStores.jdbc().url(url, user, "").pollInterval(SLOW_POLL).clock(clock).build());
  }

  /** A change row written like another instance's, without a NOTIFY, in a transaction left open. */
  private Connection openTransactionWithChange(String url, String user, String item)
      throws Exception {
    Connection slow = closing(DriverManager.getConnection(url, user, ""));
    slow.setAutoCommit(false);
    try (PreparedStatement insert =
        slow.prepareStatement("insert into gatehouse_changes (topic, item, at) values (?, ?, ?)")) {
      insert.setString(1, "settings");
      insert.setString(2, item);
      insert.setLong(3, clock.millis());
      insert.executeUpdate();
    }
    return slow;
  }

  private static void await(List<ChangeFeed.Change> seen, Predicate<ChangeFeed.Change> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.stream().noneMatch(wanted) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(seen).anyMatch(wanted);
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"H2", "POSTGRES"})
  void aChangeCommittedAfterAHigherOneWasPolledIsStillDelivered(StoreKind kind) throws Exception {
    String url = url(kind);
    JdbcTokenStore store = store(url, user(kind));
    List<ChangeFeed.Change> seen = new CopyOnWriteArrayList<>();
    store.changes().subscribe("settings", seen::add);
    Connection slow = openTransactionWithChange(url, user(kind), "slow"); // the lower number

    store.changes().publish("settings", "fast"); // a higher number, committed first
    store.poll();
    assertThat(seen).contains(new ChangeFeed.Change("settings", "fast"));
    assertThat(seen).doesNotContain(new ChangeFeed.Change("settings", "slow"));
    slow.commit();
    store.poll();

    assertThat(seen).contains(new ChangeFeed.Change("settings", "slow"));
    assertThat(seen).noneMatch(ChangeFeed.Change::isAll); // no resync was needed
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"H2", "POSTGRES"})
  void aGapThatNeverFillsEndsInAFullResync(StoreKind kind) throws Exception {
    String url = url(kind);
    JdbcTokenStore store = store(url, user(kind));
    List<ChangeFeed.Change> seen = new CopyOnWriteArrayList<>();
    store.changes().subscribe("settings", seen::add);
    Connection rolledBack = openTransactionWithChange(url, user(kind), "never");
    store.changes().publish("settings", "after");
    store.poll();
    rolledBack.rollback(); // its number stays unused for good
    store.poll();
    assertThat(seen).noneMatch(ChangeFeed.Change::isAll); // still waiting for it

    clock.advance(JdbcTokenStore.GAP_TIMEOUT);
    store.poll();

    assertThat(seen).contains(new ChangeFeed.Change("settings", ChangeFeed.ALL));
    int resyncs = (int) seen.stream().filter(ChangeFeed.Change::isAll).count();
    store.poll();
    assertThat(seen.stream().filter(ChangeFeed.Change::isAll).count())
        .as("given up once")
        .isEqualTo(resyncs);
  }

  @Test
  void aListenerReconnectResyncsEverythingAndAChangeMadeMeanwhileIsSeen() throws Exception {
    String url = Postgres.freshDatabase();
    ApiKeys a = closing(ApiKeys.builder(store(url, "postgres")).build());
    ApiKeys b = closing(ApiKeys.builder(store(url, "postgres")).build());
    Gatehouse onB = Gatehouse.builder().authenticator(b.authenticator()).build();
    List<ChangeFeed.Change> seenOnB = new CopyOnWriteArrayList<>();
    b.store().changes().subscribe(TokenStore.TOKEN_TOPIC, seenOnB::add);
    CreatedToken created = a.create(NewToken.apiToken("default").build());
    assertThat(decide(onB, created.token()).allowed()).isTrue(); // cached on B
    try (Connection admin = DriverManager.getConnection(url, "postgres", "")) {
      awaitListeners(admin, 2); // A's and B's

      try (Statement statement = admin.createStatement()) {
        statement.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = current_database() and query like 'LISTEN%'");
      }
      a.revoke(created.info().id()); // its NOTIFY reaches no listener of B

      await(seenOnB, ChangeFeed.Change::isAll);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      Decision decision = decide(onB, created.token());
      while (decision.reason() != Reason.REVOKED && System.nanoTime() < deadline) {
        Thread.sleep(20);
        decision = decide(onB, created.token());
      }
      assertThat(decision.reason()).as(decision.explain()).isEqualTo(Reason.REVOKED);
      awaitListeners(admin, 2); // both listen again
    }
  }

  private static void awaitListeners(Connection admin, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int listening = 0;
    while (System.nanoTime() < deadline) {
      try (Statement statement = admin.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "select count(*) from pg_stat_activity"
                      + " where datname = current_database() and query like 'LISTEN%'")) {
        rs.next();
        listening = rs.getInt(1);
      }
      if (listening == count) {
        return;
      }
      Thread.sleep(20);
    }
    assertThat(listening).as("listening connections").isEqualTo(count);
  }

  private static Decision decide(Gatehouse gatehouse, String token) {
    return ApiKeysTest.decide(gatehouse, AuthRequest.builder().header("x-apikey", token));
  }
}
