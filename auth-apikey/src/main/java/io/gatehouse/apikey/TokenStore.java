package io.gatehouse.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where token records live. Implementations: {@link TokenStores#inMemory()}, and {@link
 * TokenStores#jdbc} on an embedded H2 file or a PostgreSQL database shared by several instances.
 *
 * <p>Methods block and may do I/O: Gatehouse calls them off the request thread. They throw {@link
 * TokenStoreException} when the store cannot answer. Every {@link #insert} and {@link #update}
 * publishes {@code (}{@value #TOKEN_TOPIC}{@code , id)} on {@link #changes()}, so that every
 * instance sharing the store drops its cached copy.
 */
public interface TokenStore extends AutoCloseable {

  /** The change-feed topic of token records; the key is the token id. */
  String TOKEN_TOPIC = "token";

  /** The record with this id, in any space. */
  Optional<TokenRecord> findById(String id);

  /** The record whose current hash, or previous hash during a rotation's grace, is {@code hash}. */
  Optional<TokenRecord> findByHash(TokenHash hash);

  /** Every record of {@code space}, revoked and expired ones included, oldest first. */
  List<TokenRecord> list(String space);

  /** Stores a new record; false (and nothing stored) when its id or hash is already taken. */
  boolean insert(TokenRecord record);

  /** Replaces the record with the same id; false when there is none. */
  boolean update(TokenRecord record);

  /**
   * Sets each token's last-used time to the later of the stored one and the given one; unknown ids
   * are ignored. Publishes nothing: last-used is informational.
   */
  void recordLastUsed(Map<String, Instant> lastUsed);

  /** Changes made through this store or, for a shared database, through any other instance. */
  ChangeFeed changes();

  /** Releases connections and background threads. */
  @Override
  void close();
}
