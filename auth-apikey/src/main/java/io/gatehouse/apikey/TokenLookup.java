package io.gatehouse.apikey;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.gatehouse.core.AuthOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The cache in front of the store: token records by id (or by hash, for imported tokens), and the
 * ids the store does not know (negative caching), so repeated unknown tokens cost no query. Loads
 * run on the I/O executor, never on the caller's thread; concurrent misses of one key share one
 * load. A failed load is not cached. Entries are refreshed in the background after {@code
 * refreshAfter}; a refresh that fails keeps the old entry, so cached tokens survive an outage.
 * Change-feed events drop entries at once.
 */
final class TokenLookup {
  /** Keys of imported tokens start with this, followed by the hex hash; ids never do. */
  static final String HASH_KEY_PREFIX = "#";

  /** What the cache holds for a key. */
  sealed interface Entry permits Found, Absent {}

  /** The store does not know the key. */
  enum Absent implements Entry {
    INSTANCE
  }

  /** A record, plus per-entry state the request path keeps: the identity and last-used marks. */
  static final class Found implements Entry {
    final TokenRecord record;
    volatile long lastMarkedMillis;
    volatile AuthOutcome.@Nullable Success success;

    Found(TokenRecord record) {
      this.record = record;
      Instant lastUsed = record.lastUsedAt();
      this.lastMarkedMillis = lastUsed == null ? Long.MIN_VALUE / 2 : lastUsed.toEpochMilli();
    }
  }

  private final TokenStore store;
  private final AsyncLoadingCache<String, Entry> cache;

  TokenLookup(
      TokenStore store,
      Executor executor,
      Ticker ticker,
      long maximumSize,
      Duration positiveTtl,
      Duration negativeTtl,
      Duration refreshAfter) {
    this.store = store;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            // Maintenance (draining read buffers) runs inline: it is cheap and amortised, and
            // handing it to a pool would wake a thread every few hits. Loads, the only I/O, go to
            // the I/O executor explicitly below.
            .executor(Runnable::run)
            .ticker(ticker)
            .expireAfter(
                Expiry.<String, Entry>writing(
                    (key, entry) -> entry instanceof Found ? positiveTtl : negativeTtl))
            .refreshAfterWrite(refreshAfter)
            .buildAsync(
                (key, unusedInlineExecutor) -> {
                  try {
                    return CompletableFuture.supplyAsync(() -> load(key), executor);
                  } catch (RejectedExecutionException e) { // the I/O queue is full
                    return CompletableFuture.failedFuture(e);
                  }
                });
  }

  private Entry load(String key) {
    var found =
        key.startsWith(HASH_KEY_PREFIX)
            ? store.findByHash(TokenHash.fromHex(key.substring(HASH_KEY_PREFIX.length())))
            : store.findById(key);
    return found.<Entry>map(Found::new).orElse(Absent.INSTANCE);
  }

  /** The entry for a token id: already complete when cached. */
  CompletableFuture<Entry> byId(String id) {
    return get(id);
  }

  /** The entry for an imported token's hash: already complete when cached. */
  CompletableFuture<Entry> byHash(TokenHash hash) {
    return get(HASH_KEY_PREFIX + hash.hex());
  }

  /**
   * The cached or loading entry; never throws. Caffeine drops a failed load asynchronously; until
   * it has, a later request could be handed the old failure, so a failed future is removed here and
   * loaded anew.
   */
  private CompletableFuture<Entry> get(String key) {
    try {
      CompletableFuture<Entry> future = cache.get(key);
      if (future.isCompletedExceptionally()) {
        cache.asMap().remove(key, future);
        future = cache.get(key);
      }
      return future;
    } catch (RuntimeException e) { // never throw at the caller: it becomes a 503
      return CompletableFuture.failedFuture(e);
    }
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

  void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  /** Applies one change-feed event. */
  void onChange(ChangeFeed.Change change) {
    if (change.isAll()) {
      invalidateAll();
    } else {
      invalidate(change.key());
    }
  }

  long size() {
    return cache.synchronous().estimatedSize();
  }
}
