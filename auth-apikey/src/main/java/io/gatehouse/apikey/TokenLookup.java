package io.gatehouse.apikey;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Redact;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The cache in front of the store: token records by id (or by hash, for imported tokens), and the
 * keys the store does not know (negative caching), so repeated unknown tokens cost no query.
 *
 * <ul>
 *   <li>Loads run on the I/O executor, never on the caller's thread; concurrent misses of one key
 *       share one load. A failed load is never served to a later request.
 *   <li>Ages are checked against the decision's own time ({@code AuthContext.now()}), so a hit
 *       reads no clock: an unknown key is forgotten after {@code negativeTtl}, a known one re-read
 *       in the background after {@code refreshAfter} (a refresh that fails keeps the old entry:
 *       cached tokens survive an outage) and dropped after {@code maxAge}.
 *   <li>A change-feed event naming a token drops its entries at once. An event meaning "anything
 *       may have changed" ({@link ChangeFeed#ALL}: a listener reconnect, a given-up gap in the
 *       change poll) drops nothing: every cached entry is marked stale and re-read in the
 *       background, one at a time on the I/O executor ({@link #resync}). A re-read that fails keeps
 *       the old entry serving (so a flapping database does not turn every working token into a
 *       503), one that succeeds replaces it at once (a revoked token is refused as soon as the
 *       store said so). A stale entry that the sweep did not reach is re-read on its next hit.
 *   <li>Revocations it learns (on the feed, or in a record it loads) are also kept in a {@link
 *       RevocationMemory}, which outlives the cache entries, so that a revoked token is refused as
 *       revoked, not as "unavailable", while the store is down.
 * </ul>
 */
final class TokenLookup {
  /** Keys of imported tokens start with this, followed by the hex hash; ids never do. */
  static final String HASH_KEY_PREFIX = "#";

  /** What the cache holds for a key, and when the store said so. */
  abstract static sealed class Entry permits Found, Absent {
    final long loadedAtMillis;

    /** The {@link #generation} when the read began: an older one means "re-read me". */
    final long generation;

    Entry(Instant loadedAt, long generation) {
      this.loadedAtMillis = loadedAt.toEpochMilli();
      this.generation = generation;
    }
  }

  /** The store does not know the key. */
  static final class Absent extends Entry {
    Absent(Instant loadedAt, long generation) {
      super(loadedAt, generation);
    }
  }

  /**
   * A successful outcome built once per cached record: the authenticator's id (the identity's
   * method) and the completed outcome it hands out on every hit.
   */
  record Granted(String method, CompletionStage<AuthOutcome> outcome) {}

  /** A record, plus per-entry state the request path keeps: the outcome and last-used marks. */
  static final class Found extends Entry {
    final TokenRecord record;
    volatile long lastMarkedMillis;
    volatile @Nullable Granted granted;

    Found(TokenRecord record, Instant loadedAt, long generation) {
      super(loadedAt, generation);
      this.record = record;
      Instant lastUsed = record.lastUsedAt();
      this.lastMarkedMillis = lastUsed == null ? Long.MIN_VALUE / 2 : lastUsed.toEpochMilli();
    }
  }

  private final TokenStore store;
  private final AuthListener listener;
  private final Clock clock;
  private final long maxAgeMillis;
  private final long negativeTtlMillis;
  private final long refreshAfterMillis;
  private final AsyncLoadingCache<String, Entry> cache;
  private final RevocationMemory revocations;
  private final Executor executor;
  private final LookupsInFlight lookupsInFlight;

  /**
   * Counts "anything may have changed" events: an entry whose read began before the latest one is
   * stale, however recently it was loaded (a clock could not tell a read that began just before the
   * event from one just after).
   */
  private final AtomicLong generation = new AtomicLong();

  private final Object sweepLock = new Object();
  private boolean sweeping; // guarded by sweepLock
  private boolean sweepAgain; // guarded by sweepLock

  TokenLookup(
      TokenStore store,
      RevocationMemory revocations,
      AuthListener listener,
      Executor executor,
      Clock clock,
      long maximumSize,
      Duration maxAge,
      Duration negativeTtl,
      Duration refreshAfter,
      int lookupsPerAddress) {
    this.store = store;
    this.lookupsInFlight = new LookupsInFlight(lookupsPerAddress);
    this.revocations = revocations;
    this.executor = executor;
    this.listener = listener;
    this.clock = clock;
    this.maxAgeMillis = maxAge.toMillis();
    this.negativeTtlMillis = negativeTtl.toMillis();
    this.refreshAfterMillis = refreshAfter.toMillis();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            // Maintenance (draining read buffers) runs inline: it is cheap and amortised, and
            // handing it to a pool would wake a thread every few hits. Loads, the only I/O, go to
            // the I/O executor explicitly below.
            .executor(Runnable::run)
            .buildAsync(
                (key, unusedInlineExecutor) -> {
                  try {
                    return CompletableFuture.supplyAsync(() -> load(key), executor);
                  } catch (RejectedExecutionException e) { // the I/O queue is full
                    return CompletableFuture.failedFuture(e);
                  }
                });
  }

  /** A cache miss: one store read, off the request path, told to the listener either way. */
  private Entry load(String key) {
    long loadGeneration = generation.get(); // before the read: a change during it makes it stale
    long started = clock.millis();
    Optional<TokenRecord> found;
    try {
      found =
          key.startsWith(HASH_KEY_PREFIX)
              ? store.findByHash(TokenHash.fromHex(key.substring(HASH_KEY_PREFIX.length())))
              : store.findById(key);
    } catch (RuntimeException e) {
      listener.onEvent(
          new AuthEvent(
              "apikey.store_failed",
              "",
              "the token store could not answer a lookup",
              Map.of(
                  "key",
                  describe(key),
                  "error",
                  e.getClass().getSimpleName() + ": " + safe(e),
                  "millis",
                  Long.toString(clock.millis() - started)),
              clock.instant()));
      throw e;
    }
    Instant now = clock.instant();
    found
        .filter(record -> record.revokedAt() != null)
        .ifPresent(record -> learnRevoked(record, key));
    listener.onEvent(
        new AuthEvent(
            "apikey.cache_miss",
            found.map(TokenRecord::space).orElse(""),
            found.isPresent() ? "token loaded from the store" : "no such token in the store",
            Map.of(
                "key",
                describe(key),
                "found",
                Boolean.toString(found.isPresent()),
                "millis",
                Long.toString(now.toEpochMilli() - started)),
            now));
    return found
        .<Entry>map(record -> new Found(record, now, loadGeneration))
        .orElseGet(() -> new Absent(now, loadGeneration));
  }

  /** A token id is public; an imported token's hash is shown by its first 8 hex digits only. */
  private static String describe(String key) {
    return key.startsWith(HASH_KEY_PREFIX)
        ? "hash:" + key.substring(HASH_KEY_PREFIX.length(), HASH_KEY_PREFIX.length() + 8) + "…"
        : Redact.safe(key);
  }

  private static String safe(RuntimeException e) {
    return Redact.safe(Objects.requireNonNullElse(e.getMessage(), ""));
  }

  /**
   * The entry for a token id at {@code now}: already complete when cached. Never throws. A miss
   * that would take {@code client} over its reads in flight fails with {@link TooManyLookups}.
   */
  CompletableFuture<Entry> byId(String id, Instant now, InetAddress client) {
    return get(id, now, client);
  }

  /** The entry for an imported token's hash: already complete when cached. Never throws. */
  CompletableFuture<Entry> byHash(TokenHash hash, Instant now, InetAddress client) {
    return get(hashKey(hash), now, client);
  }

  /**
   * A cache miss refused because its client has too many store reads in flight. Without a stack
   * trace: it is an answer, not an error.
   */
  static final class TooManyLookups extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyLookups() {
      super("too many token lookups in flight for this client address", null, false, false);
    }
  }

  /** Reads now in flight for {@code client} (tests). */
  int lookupsInFlight(InetAddress client) {
    return lookupsInFlight.inFlight(client);
  }

  /** Loads {@code key}, if {@code client} may start one more store read. */
  private CompletableFuture<Entry> load(String key, InetAddress client) {
    int slot = lookupsInFlight.tryAcquire(client);
    if (slot < 0) {
      // Concurrent requests with the same token share one load: joining a load already under way
      // costs no store read, so only a request that would start a new read is refused.
      CompletableFuture<Entry> underWay = cache.getIfPresent(key);
      return underWay != null ? underWay : CompletableFuture.failedFuture(new TooManyLookups());
    }
    CompletableFuture<Entry> loading;
    try {
      loading = cache.get(key);
    } catch (RuntimeException e) {
      lookupsInFlight.release(slot);
      throw e;
    }
    var unused = loading.whenComplete((entry, error) -> lookupsInFlight.release(slot));
    return loading;
  }

  private CompletableFuture<Entry> get(String key, Instant now, InetAddress client) {
    try {
      // A hit is a plain probe; only a miss pays for get's mapping function (and its allocations).
      CompletableFuture<Entry> future = cache.getIfPresent(key);
      if (future == null) {
        // This request's own load: fresh, and if the store failed fast, that failure is the answer
        // (reloading it would read the store twice for one request).
        return load(key, client);
      }
      if (!future.isDone()) {
        return future;
      }
      if (future.isCompletedExceptionally()) {
        // Caffeine drops a failed load asynchronously; never hand the old failure to a new request.
        return reload(key, future, client);
      }
      Entry entry = future.join();
      long age = now.toEpochMilli() - entry.loadedAtMillis;
      if (entry instanceof Absent ? age >= negativeTtlMillis : age >= maxAgeMillis) {
        return reload(key, future, client);
      }
      if (entry.generation != generation.get()
          || (entry instanceof Found && age >= refreshAfterMillis)) {
        var unused = cache.synchronous().refresh(key); // in the background; failures keep it
      }
      // Only now a hit: an entry too old or failed was reloaded above, and counted as a miss.
      if (listener != AuthListener.NONE) {
        listener.onEvent(
            new AuthEvent("apikey.cache_hit", "", "token served from the cache", Map.of(), now));
      }
      return future;
    } catch (RuntimeException e) { // never throw at the caller: it becomes a 503
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Entry> reload(
      String key, CompletableFuture<Entry> stale, InetAddress client) {
    cache.asMap().remove(key, stale);
    return load(key, client);
  }

  /** Drops every cached entry that concerns token {@code id}, including negative hash entries. */
  void invalidate(String id) {
    cache.synchronous().invalidate(id);
    cache
        .asMap()
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getKey().startsWith(HASH_KEY_PREFIX)) {
                return false;
              }
              CompletableFuture<Entry> future = e.getValue();
              if (!future.isDone() || future.isCompletedExceptionally()) {
                return true;
              }
              Entry entry = future.join();
              return !(entry instanceof Found found) || found.record.id().equals(id);
            });
  }

  private void learnRevoked(TokenRecord record, String key) {
    revocations.remember(record.id());
    if (key.startsWith(HASH_KEY_PREFIX)) {
      revocations.remember(key); // an imported token has no id in its text: remember its hash
    }
  }

  /** True when the token under this key (an id, or {@link #hashKey}) is known to be revoked. */
  boolean isKnownRevoked(String key) {
    return revocations.isRevoked(key);
  }

  /** The cache key of an imported token. */
  static String hashKey(TokenHash hash) {
    return HASH_KEY_PREFIX + hash.hex();
  }

  /**
   * Remembers that token {@code id} is revoked, and under the hash keys of its imported secrets
   * too. The feed carries only the id (never a hash: a NOTIFY payload can be read by any role that
   * may connect to the database, and an imported token may have little entropy), and an imported
   * token is presented without its id, so its hash keys are learned from the record: from this
   * cache when it holds the record (the stores publish a revocation before the token change that
   * drops these entries), otherwise by reading it by id in the background, on the I/O executor.
   */
  void onRevocation(String id) {
    revocations.remember(id);
    boolean[] cached = {false};
    cache
        .asMap()
        .forEach(
            (key, future) -> {
              if (future.isDone()
                  && !future.isCompletedExceptionally()
                  && future.join() instanceof Found found
                  && found.record.id().equals(id)) {
                cached[0] = true;
                rememberHashKeys(found.record);
                if (key.startsWith(HASH_KEY_PREFIX)) {
                  revocations.remember(key);
                }
              }
            });
    if (!cached[0]) {
      learnHashKeysLater(id);
    }
  }

  /** Remembers a revoked record: its id, and the hash keys it can be presented under. */
  void onRevocation(TokenRecord record) {
    revocations.remember(record.id());
    rememberHashKeys(record);
  }

  /** An imported secret is looked up by its hash, and so is a rotated one's previous secret. */
  private void rememberHashKeys(TokenRecord record) {
    if (record.imported()) {
      revocations.remember(hashKey(record.hash()));
    }
    TokenHash previous = record.previousHash();
    if (previous != null) {
      revocations.remember(hashKey(previous));
    }
  }

  /**
   * Reads a revoked token that this instance has not cached, to learn its hash keys. The revocation
   * just committed, so the store is almost always up; if it is not, or the I/O queue is full, the
   * id alone is remembered (an uncached imported token then gets 503 while the store is down).
   */
  private void learnHashKeysLater(String id) {
    try {
      executor.execute(
          () -> {
            try {
              store
                  .findById(id)
                  .filter(record -> record.revokedAt() != null)
                  .ifPresent(this::rememberHashKeys);
            } catch (RuntimeException e) {
              listener.onEvent(
                  new AuthEvent(
                      "apikey.store_failed",
                      "",
                      "the token store could not answer a lookup of a revoked token",
                      Map.of(
                          "key",
                          Redact.safe(id),
                          "error",
                          e.getClass().getSimpleName() + ": " + safe(e)),
                      clock.instant()));
            }
          });
    } catch (RejectedExecutionException e) {
      // The I/O queue is full: the id is remembered, the hash keys are not (documented limit).
    }
  }

  /** Applies one revocation-feed event. */
  void onRevocation(ChangeFeed.Change change) {
    if (!change.isAll()) { // "some revocations may have been missed" names none to remember
      onRevocation(change.key());
    }
  }

  /** Applies one change-feed event. */
  void onChange(ChangeFeed.Change change) {
    if (change.isAll()) {
      resync();
    } else {
      invalidate(change.key());
    }
  }

  /**
   * Anything may have changed: marks every entry stale and re-reads them in the background. Called
   * on the feed's thread (the change poll), so it only starts the sweep: the keys are listed and
   * read on the I/O executor, one read at a time, so a resync never takes more than one of its
   * threads or queue slots from the requests' own cache misses. Events during a sweep coalesce into
   * one more sweep.
   */
  void resync() {
    generation.incrementAndGet();
    synchronized (sweepLock) {
      if (sweeping) {
        sweepAgain = true;
        return;
      }
      sweeping = true;
    }
    startSweep();
  }

  private void startSweep() {
    try {
      executor.execute(() -> new Sweep().next());
    } catch (RejectedExecutionException e) {
      sweepEnded(); // the entries stay stale: each is re-read on its next hit
    }
  }

  /**
   * A sweep ended (done, or stopped by a failure); starts the next one if events came meanwhile.
   */
  private void sweepEnded() {
    synchronized (sweepLock) {
      if (!sweepAgain) {
        sweeping = false;
        return;
      }
      sweepAgain = false;
    }
    startSweep();
  }

  /** True when {@code future} holds an entry read before the latest "anything changed" event. */
  private boolean isStale(@Nullable CompletableFuture<Entry> future) {
    return future != null
        && future.isDone()
        && !future.isCompletedExceptionally()
        && future.join().generation != generation.get();
  }

  /** One pass over the cached keys, refreshing each stale one through the cache's own refresh. */
  private final class Sweep {
    private final Iterator<String> keys;

    Sweep() {
      List<String> stale = new ArrayList<>();
      cache
          .asMap()
          .forEach(
              (key, future) -> {
                if (isStale(future)) {
                  stale.add(key);
                }
              });
      this.keys = stale.iterator();
    }

    /**
     * The next key still stale: one evicted, dropped or already re-read (by a hit) since the list
     * was taken costs no read (and refreshing an evicted key would load it again).
     */
    private @Nullable String nextStaleKey() {
      while (keys.hasNext()) {
        String key = keys.next();
        if (isStale(cache.getIfPresent(key))) {
          return key;
        }
      }
      return null;
    }

    /**
     * Refreshes the next key; continues (through the executor, so the stack never grows) when that
     * read succeeded, and stops at the first failure: the store is down, and reading every other
     * key would only fail the same way while holding an I/O thread. Whatever is left stays stale
     * and is re-read on its next hit, or by the sweep of the next reconnect.
     */
    void next() {
      String key = nextStaleKey();
      if (key == null) {
        sweepEnded();
        return;
      }
      CompletableFuture<Entry> refreshed;
      try {
        refreshed = cache.synchronous().refresh(key);
      } catch (RuntimeException e) {
        sweepEnded();
        return;
      }
      var unused =
          refreshed.whenComplete(
              (entry, error) -> {
                if (error != null) {
                  sweepEnded();
                  return;
                }
                try {
                  executor.execute(this::next);
                } catch (RejectedExecutionException e) {
                  sweepEnded();
                }
              });
    }
  }
}
