package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Access;
import io.gatehouse.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every {@link TokenStore} must do, run against memory, an H2 file and real PostgreSQL. */
class TokenStoreContractTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  private TokenStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private TokenStore open(StoreKind kind) {
    store = kind.create(dir, new MutableClock(T0));
    return store;
  }

  static TokenRecord record(String id, String space, TokenHash hash) {
    return new TokenRecord(
        id,
        space,
        TokenKind.API,
        hash,
        null,
        null,
        "ghk_" + id + "_****",
        Access.READ,
        "n",
        null,
        Set.of(),
        T0,
        null,
        null,
        null,
        false);
  }

  static TokenHash hashOf(String text) {
    return new Hasher(null).hash(text);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void insertsFindsAndLists(StoreKind kind) {
    TokenStore store = open(kind);
    TokenRecord a = record("aaaaaaaaaa", "default", hashOf("a"));
    TokenRecord admin =
        new TokenRecord(
            "bbbbbbbbbb",
            "default",
            TokenKind.ADMIN,
            hashOf("b"),
            null,
            null,
            "gha_b****",
            Access.ADMIN,
            "ops",
            "team:ops",
            Set.of("deploy", "backup"),
            T0.plusSeconds(1),
            T0.plusSeconds(3600),
            null,
            null,
            false);
    TokenRecord other = record("cccccccccc", "other", hashOf("c"));

    assertThat(store.insert(a)).isTrue();
    assertThat(store.insert(admin)).isTrue();
    assertThat(store.insert(other)).isTrue();

    assertThat(store.findById("aaaaaaaaaa")).contains(a);
    assertThat(store.findById("bbbbbbbbbb")).contains(admin);
    assertThat(store.findById("zzzzzzzzzz")).isEmpty();
    assertThat(store.findByHash(hashOf("c"))).contains(other);
    assertThat(store.findByHash(hashOf("nope"))).isEmpty();
    assertThat(store.list("default")).containsExactly(a, admin);
    assertThat(store.list("other")).containsExactly(other);
    assertThat(store.list("nobody")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void refusesDuplicateIdsAndHashes(StoreKind kind) {
    TokenStore store = open(kind);
    assertThat(store.insert(record("aaaaaaaaaa", "default", hashOf("a")))).isTrue();
    assertThat(store.insert(record("aaaaaaaaaa", "default", hashOf("other")))).isFalse();
    assertThat(store.insert(record("dddddddddd", "default", hashOf("a")))).isFalse();
    assertThat(store.list("default")).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void replacesAndFindsThePreviousHashDuringGrace(StoreKind kind) {
    TokenStore store = open(kind);
    TokenRecord a = record("aaaaaaaaaa", "default", hashOf("old"));
    store.insert(a);
    TokenRecord rotated = a.rotated(hashOf("new"), "ghk_aaaaaaaaaa_****", T0.plusSeconds(60));

    assertThat(store.replace(a, rotated)).isTrue();
    assertThat(store.findById("aaaaaaaaaa")).contains(rotated);
    assertThat(store.findByHash(hashOf("new"))).contains(rotated);
    assertThat(store.findByHash(hashOf("old"))).contains(rotated);
    TokenRecord e = record("eeeeeeeeee", "default", hashOf("e"));
    assertThat(store.replace(e, e.rotated(hashOf("e2"), "m", null))).isFalse();

    assertThat(store.revoke("aaaaaaaaaa", T0.plusSeconds(5))).isTrue();
    assertThat(store.findById("aaaaaaaaaa").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(store.revoke("aaaaaaaaaa", T0.plusSeconds(9))).as("already revoked").isFalse();
    assertThat(store.findById("aaaaaaaaaa").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(store.revoke("eeeeeeeeee", T0)).as("unknown").isFalse();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void replaceIsACompareAndSetThatNeverUndoesARevocation(StoreKind kind) {
    TokenStore store = open(kind);
    TokenRecord a = record("aaaaaaaaaa", "default", hashOf("old"));
    store.insert(a);
    TokenRecord first = a.rotated(hashOf("first"), "ghk_aaaaaaaaaa_****", null);
    TokenRecord second = a.rotated(hashOf("second"), "ghk_aaaaaaaaaa_****", null);
    store.recordLastUsed(Map.of("aaaaaaaaaa", T0.plusSeconds(1))); // not a conflict

    assertThat(store.replace(a, first)).isTrue();
    assertThat(store.replace(a, second)).as("built from a stale read").isFalse();
    assertThat(store.findById("aaaaaaaaaa").orElseThrow().hash()).isEqualTo(hashOf("first"));
    assertThat(store.findById("aaaaaaaaaa").orElseThrow().lastUsedAt())
        .as("the stored last-used time is kept")
        .isEqualTo(T0.plusSeconds(1));

    TokenRecord current = store.findById("aaaaaaaaaa").orElseThrow();
    store.revoke("aaaaaaaaaa", T0.plusSeconds(2));
    assertThat(store.replace(current, current.rotated(hashOf("third"), "m", null))).isFalse();
    TokenRecord stored = store.findById("aaaaaaaaaa").orElseThrow();
    assertThat(stored.revokedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(stored.hash()).isEqualTo(hashOf("first"));
    assertThatThrownBy(() -> store.replace(stored, stored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("revoke");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void lastUsedOnlyMovesForward(StoreKind kind) {
    TokenStore store = open(kind);
    store.insert(record("aaaaaaaaaa", "default", hashOf("a")));
    store.recordLastUsed(Map.of("aaaaaaaaaa", T0.plusSeconds(10), "unknown000", T0));
    store.recordLastUsed(Map.of("aaaaaaaaaa", T0.plusSeconds(5)));
    store.recordLastUsed(Map.of());

    assertThat(store.findById("aaaaaaaaaa").orElseThrow().lastUsedAt())
        .isEqualTo(T0.plusSeconds(10));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void writesArePublishedOnTheChangeFeed(StoreKind kind) throws Exception {
    TokenStore store = open(kind);
    List<ChangeFeed.Change> seen = new CopyOnWriteArrayList<>();
    List<ChangeFeed.Change> settings = new CopyOnWriteArrayList<>();
    ChangeFeed.Subscription tokens = store.changes().subscribe(TokenStore.TOKEN_TOPIC, seen::add);
    ChangeFeed.Subscription other = store.changes().subscribe("settings", settings::add);
    store.insert(record("aaaaaaaaaa", "default", hashOf("a")));
    store.revoke("aaaaaaaaaa", T0);
    store.changes().publish("settings", "default");

    awaitSize(seen, 2);
    awaitSize(settings, 1);
    assertThat(seen).contains(new ChangeFeed.Change("token", "aaaaaaaaaa"));
    assertThat(settings).contains(new ChangeFeed.Change("settings", "default"));
    assertThat(settings).noneMatch(c -> c.topic().equals("token"));

    tokens.close();
    other.close();
    int before = seen.size();
    store.insert(record("bbbbbbbbbb", "default", hashOf("b")));
    Thread.sleep(300);
    assertThat(seen).hasSize(before);
  }

  static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(list).hasSizeGreaterThanOrEqualTo(size);
  }
}
