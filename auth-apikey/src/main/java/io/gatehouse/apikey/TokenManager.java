package io.gatehouse.apikey;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Creating, listing, revoking, rotating and importing tokens: what the {@code gatehouse} CLI and an
 * admin console call. Every method writes through to the store (and so reaches every instance
 * sharing it) and throws {@link TokenStoreException} when the store cannot answer; arguments that
 * make no sense throw {@link IllegalArgumentException} naming them.
 */
public interface TokenManager {

  /** Creates a token. The returned text is shown once: only its hash is stored. */
  CreatedToken create(NewToken spec);

  /**
   * Stores an existing token by its hash, e.g. a UUID a hosted platform issued, so that it keeps
   * working. Gatehouse tokens may be imported too (moving them between stores). Throws when the
   * token is already stored or has no acceptable shape.
   */
  TokenInfo importToken(String token, NewToken spec);

  /** Every token of {@code space}, revoked and expired ones included, oldest first. */
  List<TokenInfo> list(String space);

  /** The token with this id, or the one this full token text is. */
  Optional<TokenInfo> find(String idOrToken);

  /** Revokes the token with this id (or this token text); empty when there is no such token. */
  Optional<TokenInfo> revoke(String idOrToken);

  /**
   * Gives token {@code id} a new secret; the old text keeps working for {@code grace} (zero: not at
   * all). The id, name, access and expiry stay. Throws {@link java.util.NoSuchElementException} for
   * an unknown id and {@link IllegalStateException} for a revoked token.
   */
  CreatedToken rotate(String id, Duration grace);
}
