package io.gatehouse.apikey;

import io.gatehouse.core.Health;
import io.gatehouse.core.HealthCheck;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where token records live. Implementations: {@link TokenStores#inMemory()}, and {@link
 * TokenStores#jdbc} on an embedded H2 file or a PostgreSQL database shared by several instances.
 *
 * <p>Methods block and may do I/O: Gatehouse calls them off the request thread. They throw {@link
 * TokenStoreException} when the store cannot answer. Every {@link #insert}, {@link #replace} and
 * {@link #revoke} that changes a record publishes {@code (}{@value #TOKEN_TOPIC}{@code , id)} on
 * {@link #changes()}, so that every instance sharing the store drops its cached copy; a revocation
 * also publishes {@code (}{@value #REVOCATION_TOPIC}{@code , id)}, so that every instance can
 * remember it (and still refuse the token as revoked while the store is down).
 *
 * <p>Writes never undo a concurrent write: {@link #replace} is a compare-and-set against the record
 * the caller read, and {@link #revoke} only sets the revocation time. A revocation is final: no
 * write ever clears it.
 */
public interface TokenStore extends AutoCloseable {

  /** The change-feed topic of token records; the key is the token id. */
  String TOKEN_TOPIC = "token";

  /** The change-feed topic of revocations; the key is the revoked token's id. */
  String REVOCATION_TOPIC = "token.revoked";

  /** The record with this id, in any space. */
  Optional<TokenRecord> findById(String id);

  /** The record whose current hash, or previous hash during a rotation's grace, is {@code hash}. */
  Optional<TokenRecord> findByHash(TokenHash hash);

  /** Every record of {@code space}, revoked and expired ones included, oldest first. */
  List<TokenRecord> list(String space);

  /** Stores a new record; false (and nothing stored) when its id or hash is already taken. */
  boolean insert(TokenRecord record);

  /**
   * Replaces {@code expected} with {@code replacement} (same id) only if the stored record still
   * equals {@code expected}, its last-used time aside, and is not revoked: a compare-and-set, so an
   * update built from a stale read fails instead of undoing what another writer did meanwhile (a
   * revocation above all). The stored last-used time is kept. False, and nothing written, when the
   * record changed, was revoked or is gone.
   */
  boolean replace(TokenRecord expected, TokenRecord replacement);

  /**
   * Sets the revocation time of token {@code id} to {@code at} unless it is already revoked, and
   * changes nothing else. True when this call revoked it; false when it was revoked already or
   * there is no such token. A revocation publishes {@code (}{@value #REVOCATION_TOPIC}{@code , id)}
   * before {@code (}{@value #TOKEN_TOPIC}{@code , id)}, so that a listener of both still has the
   * token's cache entries at hand when it learns of the revocation.
   */
  boolean revoke(String id, Instant at);

  /**
   * Sets each token's last-used time to the later of the stored one and the given one, changing
   * nothing else; unknown ids are ignored. Publishes nothing: last-used is informational.
   */
  void recordLastUsed(Map<String, Instant> lastUsed);

  /** Changes made through this store or, for a shared database, through any other instance. */
  ChangeFeed changes();

  /** The name of the store's health component. */
  String HEALTH_COMPONENT = "tokenStore";

  /** The name of the change feed's health component (stores shared between instances). */
  String FEED_HEALTH_COMPONENT = "changeFeed";

  /**
   * This store's health: a required {@value #HEALTH_COMPONENT} component and, for a store shared
   * between instances, a required {@value #FEED_HEALTH_COMPONENT} one. The default, for stores
   * without I/O such as the in-memory one, is always UP; the JDBC store probes its database with a
   * short timeout and reports its change feed (see {@link TokenStores#jdbc}).
   */
  default HealthCheck healthCheck() {
    return () ->
        List.of(
            new Health.Component(
                HEALTH_COMPONENT, Health.Status.UP, true, Map.of("kind", "memory")));
  }

  /** Releases connections and background threads. */
  @Override
  void close();
}
