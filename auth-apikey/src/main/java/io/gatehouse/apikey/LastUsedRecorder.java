package io.gatehouse.apikey;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debounced last-used times: the request path only notes a time in memory (at most once per token
 * per debounce interval); a background task writes the notes to the store in one batch. A failed
 * write keeps the notes for the next flush.
 */
final class LastUsedRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(LastUsedRecorder.class);

  private final TokenStore store;
  private final long debounceMillis;
  private final Map<String, Instant> pending = new ConcurrentHashMap<>();

  LastUsedRecorder(TokenStore store, Duration debounce) {
    this.store = store;
    this.debounceMillis = debounce.toMillis();
  }

  /** Called on every successful authentication: usually one volatile read and nothing else. */
  void mark(TokenLookup.Found found, Instant now) {
    long nowMillis = now.toEpochMilli();
    if (nowMillis - found.lastMarkedMillis < debounceMillis) {
      return;
    }
    found.lastMarkedMillis = nowMillis;
    pending.merge(found.record.id(), now, LastUsedRecorder::later);
  }

  /** Writes the pending notes; returns how many tokens were written. Never throws. */
  int flush() {
    if (pending.isEmpty()) {
      return 0;
    }
    Map<String, Instant> batch = new HashMap<>();
    for (String id : List.copyOf(pending.keySet())) {
      Instant at = pending.remove(id);
      if (at != null) {
        batch.put(id, at);
      }
    }
    try {
      store.recordLastUsed(batch);
      return batch.size();
    } catch (RuntimeException e) {
      batch.forEach((id, at) -> pending.merge(id, at, LastUsedRecorder::later));
      LOG.debug("could not record last-used times of {} tokens; will retry", batch.size(), e);
      return 0;
    }
  }

  int pendingCount() {
    return pending.size();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
