package io.gatehouse.apikey;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The revocations this instance has learned (from the change feed, or by reading a revoked record),
 * by cache key: a token id, or {@link TokenLookup#HASH_KEY_PREFIX} and the hash of an imported
 * token. A revocation is final, so while the store is down such a token can still be refused as
 * revoked instead of "try again later". Bounded: each key is kept for {@code keepFor} after it was
 * learned, and beyond {@code maxEntries} the oldest are forgotten first.
 *
 * <p>Only the outage path reads it, and learning happens on revocations and cache misses, so a
 * synchronised insertion-ordered map is enough.
 */
final class RevocationMemory {
  private final Clock clock;
  private final int maxEntries;
  private final long keepMillis;
  private final LinkedHashMap<String, Long> learnedAt = new LinkedHashMap<>();

  RevocationMemory(Clock clock, int maxEntries, Duration keepFor) {
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.keepMillis = keepFor.toMillis();
  }

  /** Remembers that the token under {@code key} is revoked, from now for {@code keepFor}. */
  synchronized void remember(String key) {
    long now = clock.millis();
    learnedAt.remove(key); // re-learning moves it to the young end
    learnedAt.put(key, now);
    forgetExpired(now);
    Iterator<String> oldest = learnedAt.keySet().iterator();
    while (learnedAt.size() > maxEntries) {
      oldest.next();
      oldest.remove();
    }
  }

  /** True when the token under {@code key} is known to be revoked. */
  synchronized boolean isRevoked(String key) {
    Long at = learnedAt.get(key);
    if (at == null) {
      return false;
    }
    if (clock.millis() - at >= keepMillis) {
      learnedAt.remove(key);
      return false;
    }
    return true;
  }

  synchronized int size() {
    return learnedAt.size();
  }

  private void forgetExpired(long now) {
    Iterator<Map.Entry<String, Long>> oldest = learnedAt.entrySet().iterator();
    while (oldest.hasNext()) {
      if (now - oldest.next().getValue() < keepMillis) {
        return; // insertion order: everything after is younger
      }
      oldest.remove();
    }
  }
}
