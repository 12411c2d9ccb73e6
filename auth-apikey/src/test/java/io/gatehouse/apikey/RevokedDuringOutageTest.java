package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revocation an instance has learned outlives its cache entries: while the store is down, the
 * revoked token is refused as revoked (401), not as unavailable (503); unknown tokens stay 503.
 */
class RevokedDuringOutageTest {
  private static final Duration CACHE_TTL = Duration.ofMinutes(10);
  private static final String UUID = "7f1d9c3e-5b2a-4c8e-9f0a-1b2c3d4e5f60";

  @TempDir Path data;
  private final MutableClock clock = new MutableClock();
  private EmbeddedPostgres postgres;
  private ApiKeys a;
  private ApiKeys b;

  @AfterEach
  void close() throws IOException {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private ApiKeys instance(TokenStore store) {
    return ApiKeys.builder(store).clock(clock).cacheTtl(CACHE_TTL).build();
  }

  private Gatehouse gatehouse(ApiKeys keys) {
    return Gatehouse.builder().clock(clock).authenticator(keys.authenticator()).build();
  }

  private static Decision decide(Gatehouse gatehouse, String token) {
    return ApiKeysTest.decide(gatehouse, AuthRequest.builder().header("x-apikey", token));
  }

  private static void assertReason(Gatehouse gatehouse, String token, Reason reason, String what) {
    Decision decision = decide(gatehouse, token);
    assertThat(decision.reason()).as("%s: %s", what, decision.explain()).isEqualTo(reason);
  }

  @Test
  void onPostgresEveryInstanceStillRefusesARevokedTokenAsRevokedWhenTheDatabaseIsDown()
      throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(data).start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    a = instance(TokenStores.jdbc().url(url, "postgres", "").build());
    b = instance(TokenStores.jdbc().url(url, "postgres", "").build());
    Gatehouse onA = gatehouse(a);
    Gatehouse onB = gatehouse(b);
    List<String> changedOnB = new CopyOnWriteArrayList<>();
    var seen = b.store().changes().subscribe(TokenStore.TOKEN_TOPIC, c -> changedOnB.add(c.key()));
    CreatedToken created = a.create(NewToken.apiToken("default").build());
    TokenInfo imported = a.importToken(UUID, NewToken.apiToken("default").build());
    String unknown = TokenCodec.newToken(TokenKind.API, "Missing000");
    awaitChanges(changedOnB, Set.of(created.info().id(), imported.id()), 1);
    for (Gatehouse gatehouse : List.of(onA, onB)) { // both instances use and cache both tokens
      assertThat(decide(gatehouse, created.token()).allowed()).isTrue();
      assertThat(decide(gatehouse, UUID).allowed()).isTrue();
    }

    a.revoke(created.info().id());
    a.revoke(imported.id());

    // B hears of both on the feed (this subscriber runs after B's own) and reads nothing.
    awaitChanges(changedOnB, Set.of(created.info().id(), imported.id()), 2);
    seen.close();
    assertReason(onA, created.token(), Reason.REVOKED, "A, store up"); // A reads it: revoked
    clock.advance(CACHE_TTL.plusMinutes(1)); // every cache entry has aged out

    postgres.close(); // the database goes away
    postgres = null;

    for (Gatehouse gatehouse : List.of(onA, onB)) {
      String instance = gatehouse == onA ? "A" : "B";
      assertReason(gatehouse, created.token(), Reason.REVOKED, instance + ", revoked token");
      assertReason(gatehouse, UUID, Reason.REVOKED, instance + ", revoked imported token");
      assertThat(decide(gatehouse, created.token()).status()).isEqualTo(401);
      assertReason(gatehouse, unknown, Reason.UNAVAILABLE, instance + ", unknown token");
      assertThat(decide(gatehouse, unknown).status()).isEqualTo(503);
    }
  }

  @Test
  void onPostgresAnInstanceThatNeverCachedARevokedImportedTokenStillRefusesItAsRevoked()
      throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(data).start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    ExecutorService ioOfB = Executors.newSingleThreadExecutor();
    try {
      a = instance(TokenStores.jdbc().url(url, "postgres", "").build());
      b =
          ApiKeys.builder(TokenStores.jdbc().url(url, "postgres", "").build())
              .clock(clock)
              .cacheTtl(CACHE_TTL)
              .ioExecutor(ioOfB)
              .build();
      Gatehouse onB = gatehouse(b);
      List<String> revokedOnB = new CopyOnWriteArrayList<>();
      var seen =
          b.store().changes().subscribe(TokenStore.REVOCATION_TOPIC, c -> revokedOnB.add(c.key()));
      TokenInfo imported = a.importToken(UUID, NewToken.apiToken("default").build());

      a.revoke(imported.id()); // B has never looked this token up

      awaitChanges(revokedOnB, Set.of(imported.id()), 1);
      seen.close();
      // B's own subscriber ran first and queued its read of the record: let it finish.
      ioOfB.submit(() -> {}).get(10, TimeUnit.SECONDS);
      postgres.close();
      postgres = null;

      assertReason(onB, UUID, Reason.REVOKED, "B, revoked imported token it never cached");
      assertThat(decide(onB, UUID).status()).isEqualTo(401);
    } finally {
      if (b != null) {
        b.close();
        b = null;
      }
      ioOfB.shutdown();
    }
  }

  /** Waits until every id in {@code ids} was seen {@code times} times on the feed. */
  private static void awaitChanges(List<String> seen, Set<String> ids, int times)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline
        && !ids.stream().allMatch(id -> seen.stream().filter(id::equals).count() >= times)) {
      Thread.sleep(20);
    }
    for (String id : ids) {
      assertThat(seen.stream().filter(id::equals).count()).as(id).isGreaterThanOrEqualTo(times);
    }
  }

  @Test
  void aRevocationLearnedByReadingTheRecordIsKeptForTheConfiguredTimeOnly() {
    CountingStore store = new CountingStore(TokenStores.inMemory());
    a =
        ApiKeys.builder(store)
            .clock(clock)
            .cacheTtl(CACHE_TTL)
            .revocationMemory(10, Duration.ofHours(2))
            .build();
    Gatehouse gatehouse = gatehouse(a);
    // Stored revoked already (as a restored or imported record): no revocation event announces it,
    // so this instance learns it only by reading the record.
    String token = TokenCodec.newToken(TokenKind.API, "Revoked000");
    store.insert(
        TokenStoreContractTest.record("Revoked000", "default", new Hasher(null).hash(token))
            .revoked(clock.instant()));
    assertReason(gatehouse, token, Reason.REVOKED, "store up");
    clock.advance(CACHE_TTL.plusMinutes(1));

    store.down = true;

    assertReason(gatehouse, token, Reason.REVOKED, "store down, learned by reading");
    assertReason(
        gatehouse,
        TokenCodec.newToken(TokenKind.API, "Missing000"),
        Reason.UNAVAILABLE,
        "store down, unknown");
    clock.advance(Duration.ofHours(2));
    assertReason(gatehouse, token, Reason.UNAVAILABLE, "store down, forgotten after 2 h");
  }

  @Test
  void theBuilderValidatesTheRevocationMemory() {
    ApiKeys.Builder builder = ApiKeys.builder(TokenStores.inMemory());
    assertThatThrownBy(() -> builder.revocationMemory(0, Duration.ofHours(1)))
        .hasMessageContaining("revocationMemory maxEntries must be positive, was 0");
    assertThatThrownBy(() -> builder.revocationMemory(10, Duration.ZERO))
        .hasMessageContaining("revocationMemory keepFor must be positive");
  }
}
