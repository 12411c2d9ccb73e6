package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A "reload all" change (a listener reconnect, a given-up gap in the change poll) refreshes the
 * cached entries in the background instead of dropping them: a failed refresh keeps the old entry
 * serving, a successful one replaces it. The I/O executor here runs only when the test says, so
 * every store read is accounted for.
 */
class ResyncKeepsCacheTest {
  private static final String UUID = "7f1d9c3e-5b2a-4c8e-9f0a-1b2c3d4e5f60";

  private final MutableClock clock = new MutableClock();
  private final LocalChangeFeed feed = new LocalChangeFeed(); // this instance's only news
  private final CountingStore store = new CountingStore(TokenStores.inMemory(), feed);
  private final ManualExecutor io = new ManualExecutor();
  private ApiKeys keys;
  private Gatehouse gatehouse;

  @BeforeEach
  void start() {
    keys = ApiKeys.builder(store).clock(clock).ioExecutor(io).build();
    gatehouse = Gatehouse.builder().clock(clock).authenticator(keys.authenticator()).build();
  }

  @AfterEach
  void close() {
    keys.close();
  }

  private CompletableFuture<Decision> decideNow(String token) {
    return gatehouse
        .decide(AuthRequest.builder().header("x-apikey", token).build())
        .toCompletableFuture();
  }

  /** Decides, letting the I/O executor run whatever the decision needs. */
  private Decision decide(String token) throws Exception {
    CompletableFuture<Decision> decision = decideNow(token);
    io.runAll();
    return decision.get(5, TimeUnit.SECONDS);
  }

  private void reloadAll() {
    feed.publish(TokenStore.TOKEN_TOPIC, ChangeFeed.ALL);
  }

  @Test
  void aReloadAllWhileTheStoreIsDownKeepsCachedTokensWorking() throws Exception {
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    keys.importToken(UUID, NewToken.apiToken("default").build());
    assertThat(decide(created.token()).allowed()).isTrue();
    assertThat(decide(UUID).allowed()).isTrue();

    store.down = true;
    int readsBefore = store.reads.get();
    reloadAll();
    io.runAll(); // the background refresh runs, and fails

    Decision cached = decide(created.token());
    assertThat(cached.allowed()).as(cached.explain()).isTrue();
    assertThat(cached.status()).isEqualTo(200);
    assertThat(decide(UUID).allowed()).as("cached imported token").isTrue();
    Decision unknown = decide(TokenCodec.newToken(TokenKind.API, "Missing000"));
    assertThat(unknown.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(unknown.status()).isEqualTo(503);
    assertThat(store.reads.get()).as("a refresh was tried").isGreaterThan(readsBefore + 1);

    store.down = false; // back: the stale entries are read again, and still work
    io.runAll();
    assertThat(decide(created.token()).allowed()).isTrue();
  }

  @Test
  void aReloadAllAfterAMissedRevocationRefusesTheTokenOnceTheRefreshCompleted() throws Exception {
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    TokenInfo imported = keys.importToken(UUID, NewToken.apiToken("default").build());
    assertThat(decide(created.token()).allowed()).isTrue();
    assertThat(decide(UUID).allowed()).isTrue();
    // Revoked behind this instance's back: the exact-id events never reach it.
    store.delegate.revoke(created.info().id(), clock.instant());
    store.delegate.revoke(imported.id(), clock.instant());
    assertThat(decide(created.token()).allowed()).as("the event was missed").isTrue();

    reloadAll();
    io.runAll();

    assertThat(decide(created.token()).reason()).isEqualTo(Reason.REVOKED);
    assertThat(decide(UUID).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void aReloadAllRefreshesEveryCachedEntryInTheBackgroundAndEmptiesNothing() throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tokens.add(keys.create(NewToken.apiToken("default").build()).token());
    }
    for (String token : tokens) {
      assertThat(decide(token).allowed()).isTrue();
    }
    int readsBefore = store.reads.get();

    reloadAll();

    assertThat(store.reads.get())
        .as("nothing read on the publishing thread")
        .isEqualTo(readsBefore);
    for (String token : tokens) {
      CompletableFuture<Decision> decision = decideNow(token);
      assertThat(decision).as("answered from the cache, no read awaited").isDone();
      assertThat(decision.join().allowed()).isTrue();
    }
    io.runAll();
    assertThat(store.reads.get()).as("one refresh per cached token").isEqualTo(readsBefore + 3);
    for (String token : tokens) {
      CompletableFuture<Decision> decision = decideNow(token);
      assertThat(decision).isDone();
      assertThat(decision.join().allowed()).isTrue();
    }
    assertThat(io.pending()).as("refreshed entries are current again").isZero();
    assertThat(store.reads.get()).isEqualTo(readsBefore + 3);
  }
}
