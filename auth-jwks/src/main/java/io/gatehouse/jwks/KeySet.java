package io.gatehouse.jwks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;
import org.jspecify.annotations.Nullable;

/**
 * One fetched JWKS: its keys by kid, when it was fetched and until when it is fresh (clock millis).
 * Immutable; a source swaps whole sets.
 */
final class KeySet {
  /** The kid under which keys without one are tracked. */
  static final String NO_KID = "";

  final Map<String, List<JsonWebKey>> byKid;
  final List<JsonWebKey> all;
  final long fetchedAt;
  final long freshUntil;
  final @Nullable String etag;
  final String json;

  KeySet(
      List<JsonWebKey> keys, long fetchedAt, long freshUntil, @Nullable String etag, String json) {
    Map<String, List<JsonWebKey>> map = new HashMap<>();
    for (JsonWebKey key : keys) {
      String kid = key.getKeyId() == null ? NO_KID : key.getKeyId();
      map.computeIfAbsent(kid, k -> new ArrayList<>(1)).add(key);
    }
    map.replaceAll((kid, list) -> List.copyOf(list));
    this.byKid = Map.copyOf(map);
    this.all = List.copyOf(keys);
    this.fetchedAt = fetchedAt;
    this.freshUntil = freshUntil;
    this.etag = etag;
    this.json = json;
  }

  /** The same keys, revalidated (HTTP 304) at {@code now}. */
  KeySet revalidated(long now, long ttlMillis) {
    return new KeySet(all, now, now + ttlMillis, etag, json);
  }

  /** Kids of this set whose key is gone or changed in {@code next}. */
  Set<String> removedIn(KeySet next) {
    Set<String> removed = new HashSet<>();
    for (Map.Entry<String, List<JsonWebKey>> entry : byKid.entrySet()) {
      List<JsonWebKey> after = next.byKid.get(entry.getKey());
      if (after == null || !publicForms(after).equals(publicForms(entry.getValue()))) {
        removed.add(entry.getKey());
      }
    }
    return removed;
  }

  private static Set<String> publicForms(List<JsonWebKey> keys) {
    Set<String> forms = new HashSet<>();
    for (JsonWebKey key : keys) {
      forms.add(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
    }
    return forms;
  }

  int size() {
    return all.size();
  }
}
