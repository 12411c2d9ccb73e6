package io.gatehouse.apikey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * On PostgreSQL a change arrives twice, pushed by NOTIFY and read by the next poll (either may come
 * first): this tells which arrival is the first, so the feed-lag metric counts each change once. A
 * change is known by its topic, key and commit time, which the row and the notification share. What
 * waits for its other half is bounded: a half that never comes (the listener was down, an older
 * instance's notification) is forgotten after {@value #REMEMBERED} newer ones.
 */
final class ArrivalsOnce {
  static final int REMEMBERED = 4096;

  // Per change: arrivals seen by NOTIFY not yet matched by the poll (positive), or the reverse
  // (negative). Guarded by this.
  private final Map<String, Integer> unmatched =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > REMEMBERED;
        }
      };

  /** True when this is the change's first arrival, false when its other half came before. */
  synchronized boolean first(String topic, String key, long committedAtMillis, boolean pushed) {
    String change = topic + ':' + key + '\t' + committedAtMillis;
    int step = pushed ? 1 : -1;
    int waiting = unmatched.getOrDefault(change, 0);
    if (waiting * step < 0) { // the other half came first: this one completes it
      int left = waiting + step;
      if (left == 0) {
        unmatched.remove(change);
      } else {
        unmatched.put(change, left);
      }
      return false;
    }
    unmatched.put(change, waiting + step);
    return true;
  }
}
