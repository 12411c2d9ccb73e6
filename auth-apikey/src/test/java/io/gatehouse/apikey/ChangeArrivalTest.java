package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 15: a change committed by one instance arrives on another with its commit time, for the
 * change-feed lag metric: polled rows carry it on H2 and PostgreSQL, and PostgreSQL's NOTIFY
 * payload carries it after a tab.
 */
class ChangeArrivalTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"H2", "POSTGRES"})
  void aChangeFromAnotherInstanceArrivesWithItsCommitTime(StoreKind kind) throws Exception {
    String url = kind == StoreKind.H2 ? TokenStores.h2Url(dir) : Postgres.freshDatabase();
    String user = kind == StoreKind.H2 ? "" : "postgres";
    List<AuthEvent> arrived = new CopyOnWriteArrayList<>();
    AuthListener listener = arrivalsInto(arrived);
    // B polls often enough on H2; on PostgreSQL its poll is slow, so the push is what arrives
    // first.
    Duration bPoll = kind == StoreKind.H2 ? Duration.ofMillis(200) : Duration.ofSeconds(30);
    try (ApiKeys a = ApiKeys.builder(TokenStores.jdbc().url(url, user, "").build()).build();
        ApiKeys b =
            ApiKeys.builder(TokenStores.jdbc().url(url, user, "").pollInterval(bPoll).build())
                .listener(listener)
                .build()) {
      assertThat(b.store().changes()).isNotNull();
      Thread.sleep(300); // let B's listener and first poll settle
      arrived.clear();
      Instant before = Instant.now();
      String token = a.create(NewToken.apiToken("default").build()).token();
      a.revoke(token);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (topics(arrived).size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(topics(arrived)).contains(TokenStore.TOKEN_TOPIC, TokenStore.REVOCATION_TOPIC);
      for (AuthEvent event : arrived) {
        assertThat(event.attributes().get("via"))
            .isEqualTo(kind == StoreKind.H2 ? "poll" : "notify");
        Instant committed = Instant.parse(event.attributes().get("committedAt"));
        assertThat(committed).isAfterOrEqualTo(before.minusSeconds(1));
        long lag = Long.parseLong(event.attributes().get("lagMillis"));
        assertThat(lag).isBetween(0L, 5_000L);
        assertThat(event.attributes().values()).noneMatch(v -> v.contains(token));
      }
    }
  }

  @Test
  void onPostgresAChangeThatArrivesByNotifyAndByPollIsCountedOnce() throws Exception {
    String url = Postgres.freshDatabase();
    List<AuthEvent> arrived = new CopyOnWriteArrayList<>();
    AuthListener listener = arrivalsInto(arrived);
    try (ApiKeys a = ApiKeys.builder(TokenStores.jdbc().url(url, "postgres", "").build()).build();
        ApiKeys b =
            ApiKeys.builder(
                    TokenStores.jdbc()
                        .url(url, "postgres", "")
                        .pollInterval(Duration.ofMillis(100))
                        .build())
                .listener(listener)
                .build()) {
      List<ChangeFeed.Change> delivered = new CopyOnWriteArrayList<>();
      b.store().changes().subscribe(TokenStore.TOKEN_TOPIC, delivered::add);
      b.store().changes().subscribe(TokenStore.REVOCATION_TOPIC, delivered::add);
      Thread.sleep(300); // let B's listener and first poll settle
      long seen = maxSeq(url);
      arrived.clear();
      delivered.clear();
      String token = a.create(NewToken.apiToken("default").build()).token();
      a.revoke(token);
      long changes = changesSince(url, seen);
      assertThat(changes).isPositive();
      // Each change reaches B twice, pushed and polled: wait for both halves of every one.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (delivered.size() < 2 * changes && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(delivered).hasSize((int) (2 * changes));
      assertThat(arrived).hasSize((int) changes);
    }
  }

  /** A listener that collects the change-arrival events into {@code arrived}. */
  private static AuthListener arrivalsInto(List<AuthEvent> arrived) {
    return new AuthListener() {
      @Override
      public void onEvent(AuthEvent event) {
        if (event.type().equals("apikey.change_arrived")) {
          arrived.add(event);
        }
      }
    };
  }

  private static long maxSeq(String url) throws Exception {
    return count(url, "select coalesce(max(seq), 0) from gatehouse_changes");
  }

  private static long changesSince(String url, long seq) throws Exception {
    return count(
        url,
        "select count(*) from gatehouse_changes where seq > "
            + seq
            + " and topic in ('"
            + TokenStore.TOKEN_TOPIC
            + "', '"
            + TokenStore.REVOCATION_TOPIC
            + "')");
  }

  private static long count(String url, String sql) throws Exception {
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(url, "postgres", "");
        java.sql.Statement statement = connection.createStatement();
        java.sql.ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void notificationsOfEveryShapeDeliverTheBareKeyAndOnlyTimedOnesReportAnArrival() {
    JdbcTokenStore store =
        (JdbcTokenStore) TokenStores.jdbc().url(TokenStores.h2Url(dir), "", "").build();
    try {
      List<ChangeFeed.Change> changes = new ArrayList<>();
      List<ChangeFeed.Arrival> arrivals = new ArrayList<>();
      ChangeFeed.Subscription subscription = store.changes().subscribe("token", changes::add);
      ChangeFeed.Subscription observed = store.changes().observeArrivals(arrivals::add);
      store.onNotification("token:abc"); // an older instance's payload
      store.onNotification("token:abc\tnot-a-time");
      store.onNotification("token:abc\t" + Instant.now().minusSeconds(3).toEpochMilli());
      store.onNotification("no colon");
      observed.close();
      store.onNotification("token:abc\t1");
      subscription.close();
      assertThat(changes)
          .extracting(ChangeFeed.Change::key)
          .containsExactly("abc", "abc", "abc", "abc");
      assertThat(arrivals).hasSize(1);
      assertThat(arrivals.get(0).via()).isEqualTo("notify");
      assertThat(arrivals.get(0).lag()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(60));
      ChangeFeed.Arrival future =
          new ChangeFeed.Arrival("token", "poll", Instant.now().plusSeconds(5), Instant.now());
      assertThat(future.lag()).isZero(); // clocks that disagree never give a negative lag
    } finally {
      store.close();
    }
  }

  @Test
  void aFeedThatSharesNothingReportsNoArrivals() {
    ChangeFeed feed = TokenStores.inMemory().changes();
    List<ChangeFeed.Arrival> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<ChangeFeed.Change> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
    ChangeFeed.Subscription observed = feed.observeArrivals(arrivals::add);
    ChangeFeed.Subscription subscribed = feed.subscribe("tokens", changes::add);
    feed.publish("tokens", "abc");
    subscribed.close();
    observed.close();
    // The change itself is delivered in the process; nothing arrived from another instance.
    org.assertj.core.api.Assertions.assertThat(changes).isNotEmpty();
    org.assertj.core.api.Assertions.assertThat(arrivals).isEmpty();
  }

  private static List<String> topics(List<AuthEvent> events) {
    return events.stream().map(e -> e.attributes().get("topic")).distinct().toList();
  }
}
