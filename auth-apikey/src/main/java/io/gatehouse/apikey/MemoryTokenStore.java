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
  public boolean update(TokenRecord record) {
    boolean replaced;
    synchronized (this) {
      replaced = byId.replace(record.id(), record) != null;
    }
    if (replaced) {
      changes.publish(TOKEN_TOPIC, record.id());
    }
    return replaced;
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
