package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real PostgreSQL stopped in the middle of the test, then started again. */
class OutageTest {
  @TempDir Path data;
  private EmbeddedPostgres postgres;
  private ApiKeys keys;
  private ApiKeys other;

  @AfterEach
  void close() throws IOException {
    if (keys != null) {
      keys.close();
    }
    if (other != null) {
      other.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private EmbeddedPostgres start(int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  @Test
  void cachedTokensSurviveUnknownOnesGet503AndRecoveryIsAutomatic() throws Exception {
    postgres = start(0);
    int port = postgres.getPort();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    keys = ApiKeys.builder(TokenStores.jdbc().url(url, "postgres", "").build()).build();
    other = ApiKeys.builder(TokenStores.jdbc().url(url, "postgres", "").build()).build();
    Gatehouse gatehouse = Gatehouse.builder().authenticator(keys.authenticator()).build();
    CreatedToken cached = keys.create(NewToken.apiToken("default").build());
    CreatedToken uncached = keys.create(NewToken.apiToken("default").build());
    // Let the creations' own change notifications arrive (they drop cache entries), then cache.
    Thread.sleep(1500);
    assertThat(decide(gatehouse, cached.token()).allowed()).isTrue();

    postgres.close(); // the database goes away mid-test
    postgres = null;

    Decision fromCache = decide(gatehouse, cached.token());
    assertThat(fromCache.allowed()).as(fromCache.explain()).isTrue();
    Decision unknown = decide(gatehouse, TokenCodec.newToken(TokenKind.API, "Missing000"));
    assertThat(unknown.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(unknown.status()).isEqualTo(503);
    assertThat(decide(gatehouse, uncached.token()).reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThatThrownBy(() -> keys.create(NewToken.apiToken("default").build()))
        .isInstanceOf(TokenStoreException.class)
        .hasMessageNotContaining("ghk_");

    postgres = start(port); // back, same data, same port

    assertThat(decide(gatehouse, uncached.token()).allowed()).as("recovered").isTrue();
    assertThat(decide(gatehouse, TokenCodec.newToken(TokenKind.API, "Missing000")).reason())
        .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    // The change feed recovered too: a revocation through the other instance arrives.
    other.revoke(cached.info().id());
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    Decision revoked = decide(gatehouse, cached.token());
    while (revoked.reason() != Reason.REVOKED && System.nanoTime() < deadline) {
      Thread.sleep(20);
      revoked = decide(gatehouse, cached.token());
    }
    assertThat(revoked.reason()).as(revoked.explain()).isEqualTo(Reason.REVOKED);
  }

  /**
   * A flapping database: it comes back (the listener reconnects, which means "anything may have
   * changed") and goes away again at once. The reconnect must not have emptied the cache, or every
   * working token would get 503 in the second outage.
   */
  @Test
  void aListenerReconnectKeepsCachedTokensWorkingWhenTheDatabaseFailsAgainAtOnce()
      throws Exception {
    postgres = start(0);
    int port = postgres.getPort();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    keys =
        ApiKeys.builder(
                TokenStores.jdbc()
                    .url(url, "postgres", "")
                    .pollInterval(Duration.ofMillis(100))
                    .build())
            .build();
    Gatehouse gatehouse = Gatehouse.builder().authenticator(keys.authenticator()).build();
    List<ChangeFeed.Change> changes = new CopyOnWriteArrayList<>();
    var unused = keys.store().changes().subscribe(TokenStore.TOKEN_TOPIC, changes::add);
    CreatedToken cached = keys.create(NewToken.apiToken("default").build());
    // Its own change arrives twice on PostgreSQL (NOTIFY, then the poll), each time dropping the
    // entry: let both pass before caching it (the poll runs every 100 ms, so 5 s is ample).
    awaitCount(changes, cached.info().id(), 2, Duration.ofSeconds(5));
    assertThat(decide(gatehouse, cached.token()).allowed()).isTrue();

    postgres.close();
    postgres = start(port); // back: the listener reconnects and every subscriber resyncs
    await(changes, ChangeFeed.Change::isAll);
    postgres.close(); // and gone again at once
    postgres = null;

    Decision decision = decide(gatehouse, cached.token());
    assertThat(decision.allowed()).as(decision.explain()).isTrue();
    Decision unknown = decide(gatehouse, TokenCodec.newToken(TokenKind.API, "Missing000"));
    assertThat(unknown.status()).isEqualTo(503);
  }

  /** Waits until {@code key} was delivered {@code times} times, or {@code bound} passed. */
  private static void awaitCount(
      List<ChangeFeed.Change> changes, String key, int times, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (changes.stream().filter(change -> change.key().equals(key)).count() < times
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(changes).anyMatch(change -> change.key().equals(key));
  }

  private static void await(List<ChangeFeed.Change> changes, Predicate<ChangeFeed.Change> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (changes.stream().noneMatch(wanted) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(changes).anyMatch(wanted);
  }

  private static Decision decide(Gatehouse gatehouse, String token) {
    return ApiKeysTest.decide(gatehouse, AuthRequest.builder().header("x-apikey", token));
  }
}
