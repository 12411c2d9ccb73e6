package io.gatehouse.apikey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A store for one process (tests, demos): records in a map, changes delivered in-process. */
final class MemoryTokenStore implements TokenStore {
  private final Map<String, TokenRecord> byId = new ConcurrentHashMap<>();
  private final LocalChangeFeed changes = new LocalChangeFeed();

  @Override
  public Optional<TokenRecord> findById(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public Optional<TokenRecord> findByHash(TokenHash hash) {
    for (TokenRecord record : byId.values()) {
      if (record.hash().equals(hash) || hash.equals(record.previousHash())) {
        return Optional.of(record);
      }
    }
    return Optional.empty();
  }

  @Override
  public List<TokenRecord> list(String space) {
    List<TokenRecord> out = new ArrayList<>();
    for (TokenRecord record : byId.values()) {
      if (record.space().equals(space)) {
        out.add(record);
      }
    }
    out.sort(Comparator.comparing(TokenRecord::createdAt).thenComparing(TokenRecord::id));
    return out;
  }

  @Override
  public boolean insert(TokenRecord record) {
    synchronized (this) {
      if (byId.containsKey(record.id()) || findByHash(record.hash()).isPresent()) {
        return false;
      }
      byId.put(record.id(), record);
    }
    changes.publish(TOKEN_TOPIC, record.id());
    return true;
  }

  @Override
  public boolean replace(TokenRecord expected, TokenRecord replacement) {
    TokenRecord.requireReplaceable(expected, replacement);
    boolean[] replaced = {false};
    // compute runs atomically per key, like recordLastUsed's computeIfPresent: no write between
    // the check and the replacement, and the last-used time is the stored one, never a stale copy.
    byId.computeIfPresent(
        expected.id(),
        (id, stored) -> {
          if (stored.revokedAt() != null || !stored.sameExceptLastUsed(expected)) {
            return stored;
          }
          replaced[0] = true;
          return replacement.withLastUsed(stored.lastUsedAt());
        });
    if (replaced[0]) {
      changes.publish(TOKEN_TOPIC, replacement.id());
    }
    return replaced[0];
  }

  @Override
  public boolean revoke(String id, Instant at) {
    boolean[] revoked = {false};
    byId.computeIfPresent(
        id,
        (key, stored) -> {
          if (stored.revokedAt() != null) {
            return stored;
          }
          revoked[0] = true;
          return stored.revoked(at);
        });
    if (revoked[0]) {
      // The revocation first: a listener still finds the token's cache entries to learn from.
      changes.publish(REVOCATION_TOPIC, id);
      changes.publish(TOKEN_TOPIC, id);
    }
    return revoked[0];
  }

  @Override
  public void recordLastUsed(Map<String, Instant> lastUsed) {
    lastUsed.forEach(
        (id, at) ->
            byId.computeIfPresent(
                id,
                (key, record) ->
                    record.lastUsedAt() == null || record.lastUsedAt().isBefore(at)
                        ? record.usedAt(at)
                        : record));
  }

  @Override
  public ChangeFeed changes() {
    return changes;
  }

  @Override
  public void close() {}
}
