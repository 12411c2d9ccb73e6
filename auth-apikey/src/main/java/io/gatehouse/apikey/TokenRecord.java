package io.gatehouse.apikey;

import io.gatehouse.core.Access;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A token as a {@link TokenStore} keeps it: never the token itself, only its hash (and, during a
 * rotation's grace period, the hash of the secret it replaced).
 *
 * @param id the token id, unique across spaces; safe to log
 * @param space the space the token is valid in
 * @param kind API or admin token
 * @param hash the hash of the current token text
 * @param previousHash the hash of the token text a rotation replaced, while its grace lasts
 * @param previousValidUntil when the replaced token text stops working
 * @param maskedPrefix what listings show, e.g. {@code ghk_2Xb9QmT4aZ_****}
 * @param access READ or READ_WRITE for API tokens; ADMIN for admin tokens
 * @param name a human label
 * @param owner the account or team an admin token belongs to; null for none
 * @param permissions the admin operations granted (admin tokens only)
 * @param createdAt when it was created or imported
 * @param expiresAt when it stops working; null for never
 * @param lastUsedAt when it last authenticated a request (debounced); null for never
 * @param revokedAt when it was revoked; null while active
 * @param imported true for a token of another format imported by its hash
 * @param origins the web origins the token may be used from ({@link BrowserAccess}); empty: none
 */
public record TokenRecord(
    String id,
    String space,
    TokenKind kind,
    TokenHash hash,
    @Nullable TokenHash previousHash,
    @Nullable Instant previousValidUntil,
    String maskedPrefix,
    Access access,
    String name,
    @Nullable String owner,
    Set<String> permissions,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant lastUsedAt,
    @Nullable Instant revokedAt,
    boolean imported,
    List<String> origins) {

  public TokenRecord {
    origins = List.copyOf(origins);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(maskedPrefix, "maskedPrefix");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(createdAt, "createdAt");
    if ((previousHash == null) != (previousValidUntil == null)) {
      throw new IllegalArgumentException(
          "token " + id + ": previousHash and previousValidUntil are set together");
    }
    if ((kind == TokenKind.ADMIN) != (access == Access.ADMIN)) {
      throw new IllegalArgumentException(
          "token " + id + ": admin tokens, and only they, have access ADMIN (was " + access + ")");
    }
    permissions = Collections.unmodifiableSet(new TreeSet<>(permissions));
  }

  /** A record that lists no origins. */
  public TokenRecord(
      String id,
      String space,
      TokenKind kind,
      TokenHash hash,
      @Nullable TokenHash previousHash,
      @Nullable Instant previousValidUntil,
      String maskedPrefix,
      Access access,
      String name,
      @Nullable String owner,
      Set<String> permissions,
      Instant createdAt,
      @Nullable Instant expiresAt,
      @Nullable Instant lastUsedAt,
      @Nullable Instant revokedAt,
      boolean imported) {
    this(
        id,
        space,
        kind,
        hash,
        previousHash,
        previousValidUntil,
        maskedPrefix,
        access,
        name,
        owner,
        permissions,
        createdAt,
        expiresAt,
        lastUsedAt,
        revokedAt,
        imported,
        List.of());
  }

  /** The public view of this record, without hashes. */
  public TokenInfo info() {
    return new TokenInfo(
        id,
        space,
        kind,
        maskedPrefix,
        access,
        name,
        owner,
        permissions,
        createdAt,
        expiresAt,
        lastUsedAt,
        revokedAt,
        previousValidUntil,
        imported,
        origins);
  }

  /** This record revoked at {@code at} (unchanged when already revoked). */
  public TokenRecord revoked(Instant at) {
    if (revokedAt != null) {
      return this;
    }
    return new TokenRecord(
        id,
        space,
        kind,
        hash,
        previousHash,
        previousValidUntil,
        maskedPrefix,
        access,
        name,
        owner,
        permissions,
        createdAt,
        expiresAt,
        lastUsedAt,
        at,
        imported,
        origins);
  }

  /**
   * This record with a new secret: {@code newHash} is current, and the old hash keeps working until
   * {@code graceUntil} (not at all when {@code graceUntil} is null).
   */
  public TokenRecord rotated(
      TokenHash newHash, String newMaskedPrefix, @Nullable Instant graceUntil) {
    return new TokenRecord(
        id,
        space,
        kind,
        newHash,
        graceUntil == null ? null : hash,
        graceUntil,
        newMaskedPrefix,
        access,
        name,
        owner,
        permissions,
        createdAt,
        expiresAt,
        lastUsedAt,
        revokedAt,
        false,
        origins);
  }

  /** This record last used at {@code at}. */
  public TokenRecord usedAt(Instant at) {
    return withLastUsed(at);
  }

  /**
   * True when {@code other} is this record apart from the last-used time, which changes on its own
   * (debounced writes) and so is no sign of a conflicting update.
   */
  boolean sameExceptLastUsed(TokenRecord other) {
    return equals(other.withLastUsed(lastUsedAt));
  }

  /** What {@link TokenStore#replace} accepts: the same id, and no revocation (that is revoke's). */
  static void requireReplaceable(TokenRecord expected, TokenRecord replacement) {
    if (!expected.id().equals(replacement.id())) {
      throw new IllegalArgumentException(
          "replace keeps the id: " + expected.id() + " is not " + replacement.id());
    }
    if (replacement.revokedAt() != null) {
      throw new IllegalArgumentException(
          "token " + replacement.id() + ": revoke with TokenStore.revoke, not replace");
    }
  }

  TokenRecord withLastUsed(@Nullable Instant at) {
    return new TokenRecord(
        id,
        space,
        kind,
        hash,
        previousHash,
        previousValidUntil,
        maskedPrefix,
        access,
        name,
        owner,
        permissions,
        createdAt,
        expiresAt,
        at,
        revokedAt,
        imported,
        origins);
  }
}
