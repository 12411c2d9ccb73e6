package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.apikey.TokenStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the console while its re-check thread is inside a store call: the call is let finish, not
 * interrupted, since an interrupted H2 call closes the database file under the app that keeps using
 * the store.
 */
class ConsoleCloseTest {
  @TempDir Path dir;
  private ConsoleApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void closingWaitsForARecheckUnderWayWithoutInterruptingItsStoreCall() throws Exception {
    InstrumentedStore h2 = new InstrumentedStore(TokenStores.h2File(dir));
    app = new ConsoleApp(h2.store(), builder -> builder.tokenStore(h2.store()));
    String token = app.adminToken("default", "manage");
    app.signedIn(token);
    CountDownLatch inStoreCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch callMade = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    h2.beforeEachRead(
        () -> {
          if (!Thread.currentThread().getName().equals("gatehouse-console-recheck")) {
            return;
          }
          inStoreCall.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            interrupted.set(true);
            Thread.currentThread().interrupt(); // as a JDBC driver would see it
          }
          callMade.countDown();
        });
    app.clock.advance(Duration.ofSeconds(31)); // the periodic re-check is due
    assertThat(inStoreCall.await(20, TimeUnit.SECONDS)).as("re-check started").isTrue();

    Thread closer = new Thread(app.console::close, "closer");
    closer.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (closer.isAlive()
        && closer.getState() != Thread.State.TIMED_WAITING
        && !interrupted.get()
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    release.countDown();
    closer.join(Duration.ofSeconds(20).toMillis());
    assertThat(callMade.await(20, TimeUnit.SECONDS)).isTrue();
    h2.beforeEachRead(() -> {});

    assertThat(interrupted).as("the re-check's store call was interrupted").isFalse();
    assertThat(closer.isAlive()).isFalse();
    assertThat(app.keys.find(token)).as("the H2 store still answers").isPresent();
    assertThat(app.adminToken("default", "manage")).isNotBlank();
  }
}
