package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change poll delivers after it gave its connection back: a subscriber that reads the store
 * from its callback (as the token cache's resync does, and the console's session re-check) must not
 * wait for the connection the poll itself holds, which with a pool of one would never come.
 */
class ChangeDeliveryPoolTest {
  @TempDir Path dir;

  @Test
  void aSubscriberThatReadsTheStoreFromItsCallbackWorksWithAPoolOfOneConnection() throws Exception {
    JdbcConnectionPool pool = JdbcConnectionPool.create(TokenStores.h2Url(dir), "", "");
    pool.setMaxConnections(1);
    pool.setLoginTimeout(20); // a waiter gives up after 20 s: far beyond this test's bound
    try (TokenStore store =
        TokenStores.jdbc().dataSource(pool).pollInterval(Duration.ofMillis(20)).build()) {
      List<Optional<TokenRecord>> readInCallback = new CopyOnWriteArrayList<>();
      List<String> order = new CopyOnWriteArrayList<>();
      CountDownLatch bothRead = new CountDownLatch(2);
      var unused =
          store
              .changes()
              .subscribe(
                  TokenStore.TOKEN_TOPIC,
                  change -> {
                    order.add(change.key());
                    readInCallback.add(store.findById(change.key()));
                    bothRead.countDown();
                  });

      store.insert(
          TokenStoreContractTest.record(
              "Pooled0001", "default", TokenStoreContractTest.hashOf("a")));
      store.insert(
          TokenStoreContractTest.record(
              "Pooled0002", "default", TokenStoreContractTest.hashOf("b")));

      assertThat(bothRead.await(10, TimeUnit.SECONDS))
          .as("the callback's reads completed (no wait for the poll's own connection)")
          .isTrue();
      assertThat(order).startsWith("Pooled0001", "Pooled0002"); // in commit order
      assertThat(readInCallback.get(0)).map(TokenRecord::id).contains("Pooled0001");
      assertThat(readInCallback.get(1)).map(TokenRecord::id).contains("Pooled0002");
    } finally {
      pool.dispose();
    }
  }
}
