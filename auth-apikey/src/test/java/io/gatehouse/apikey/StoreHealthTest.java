package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Health;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token store and its change feed as health components, on a real H2 file and PostgreSQL. */
class StoreHealthTest {
  @TempDir Path dir;

  @Test
  void theInMemoryStoreIsAlwaysUp() {
    try (TokenStore store = TokenStores.inMemory()) {
      Health health = store.healthCheck().health();
      assertThat(health.status()).isEqualTo(Health.Status.UP);
      assertThat(health.components())
          .extracting(Health.Component::name)
          .containsExactly(TokenStore.HEALTH_COMPONENT);
    }
  }

  @Test
  void anH2StoreIsUpOncePolledAndDownOnceClosed() throws Exception {
    TokenStore store =
        TokenStores.jdbc()
            .url(TokenStores.h2Url(dir), "", "")
            .pollInterval(Duration.ofMillis(20))
            .build();
    Health up = await(store, health -> health.status() == Health.Status.UP);
    Health.Component database = up.component(TokenStore.HEALTH_COMPONENT);
    assertThat(database).isNotNull();
    assertThat(database.required()).isTrue();
    assertThat(database.details()).containsEntry("database", "h2");
    Health.Component feed = up.component(TokenStore.FEED_HEALTH_COMPONENT);
    assertThat(feed).isNotNull();
    assertThat(feed.details()).containsEntry("mode", "poll").containsKey("pollLagMillis");

    store.close();
    Health closed = store.healthCheck().health();
    assertThat(closed.status()).isEqualTo(Health.Status.DOWN);
    assertThat(closed.components())
        .allSatisfy(component -> assertThat(component.status()).isEqualTo(Health.Status.DOWN));
    assertThat(closed.toString()).doesNotContain(dir.toString()).doesNotContain("jdbc:");
  }

  @Test
  void aPostgresStoreIsUpWithItsListenConnection() throws Exception {
    String url = Postgres.freshDatabase();
    try (TokenStore store =
        TokenStores.jdbc().url(url, "postgres", "").pollInterval(Duration.ofMillis(50)).build()) {
      Health up = await(store, health -> health.status() == Health.Status.UP);
      assertThat(up.component(TokenStore.FEED_HEALTH_COMPONENT).details())
          .containsEntry("mode", "listen+poll")
          .containsEntry("listen", "up");
      assertThat(up.component(TokenStore.HEALTH_COMPONENT).details())
          .containsEntry("database", "postgresql");
      assertThat(up.toString())
          .doesNotContain("127.0.0.1")
          .doesNotContain("localhost")
          .doesNotContain("jdbc:");
    }
  }

  /** Polls health until {@code done}, for at most 10 s; returns the last health read. */
  static Health await(TokenStore store, Predicate<Health> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Health health = store.healthCheck().health();
    while (!done.test(health) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      health = store.healthCheck().health();
    }
    assertThat(health).matches(done, "the awaited health");
    return health;
  }
}
