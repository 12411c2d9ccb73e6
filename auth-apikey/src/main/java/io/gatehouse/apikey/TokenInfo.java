package io.gatehouse.apikey;

import io.gatehouse.core.Access;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What may be shown about a token: everything but its secret and hashes. See {@link TokenRecord}
 * for the fields.
 *
 * @param previousSecretValidUntil after a rotation with a grace period: until when the old token
 *     text still works
 * @param origins the web origins the token may be used from; empty: none ({@link BrowserAccess})
 */
public record TokenInfo(
    String id,
    String space,
    TokenKind kind,
    String maskedPrefix,
    Access access,
    String name,
    @Nullable String owner,
    Set<String> permissions,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant lastUsedAt,
    @Nullable Instant revokedAt,
    @Nullable Instant previousSecretValidUntil,
    boolean imported,
    List<String> origins) {

  public TokenInfo {
    origins = List.copyOf(origins);
    permissions = Collections.unmodifiableSet(new TreeSet<>(permissions));
  }

  /** A token that lists no origins. */
  public TokenInfo(
      String id,
      String space,
      TokenKind kind,
      String maskedPrefix,
      Access access,
      String name,
      @Nullable String owner,
      Set<String> permissions,
      Instant createdAt,
      @Nullable Instant expiresAt,
      @Nullable Instant lastUsedAt,
      @Nullable Instant revokedAt,
      @Nullable Instant previousSecretValidUntil,
      boolean imported) {
    this(
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
        previousSecretValidUntil,
        imported,
        List.of());
  }

  /** The token's state at {@code now}. */
  public Status status(Instant now) {
    if (revokedAt != null && !now.isBefore(revokedAt)) {
      return Status.REVOKED;
    }
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return Status.EXPIRED;
    }
    return Status.ACTIVE;
  }

  /** Whether a token works. */
  public enum Status {
    ACTIVE,
    REVOKED,
    EXPIRED
  }
}
