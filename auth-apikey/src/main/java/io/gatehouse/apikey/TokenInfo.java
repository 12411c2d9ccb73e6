package io.gatehouse.apikey;

import io.gatehouse.core.Access;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What may be shown about a token: everything but its secret and hashes. See {@link TokenRecord}
 * for the fields.
 *
 * @param previousSecretValidUntil after a rotation with a grace period: until when the old token
 *     text still works
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
    boolean imported) {

  public TokenInfo {
    permissions = Collections.unmodifiableSet(new TreeSet<>(permissions));
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
