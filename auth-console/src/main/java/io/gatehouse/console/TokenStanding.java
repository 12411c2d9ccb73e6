package io.gatehouse.console;

import io.gatehouse.apikey.TokenHash;
import io.gatehouse.apikey.TokenRecord;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.core.Identity;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Judges, for one re-check pass, whether the admin tokens behind console sessions still stand, from
 * their records in the token store. Each token is read once per pass however many sessions use it,
 * and after the first failed read the pass reads nothing more: during an outage one pass costs the
 * store one attempt, not one per session.
 */
final class TokenStanding {
  /** The claim the token authenticators of auth-apikey put on every identity they build. */
  static final String TOKEN_KIND_CLAIM = "token_kind";

  enum Verdict {
    /** Every token behind the session still grants what it granted at sign-in. */
    VALID,
    /** A token behind the session is revoked, expired, deleted or changed: end the session. */
    ENDED,
    /** The store could not answer: nothing is known either way. */
    UNKNOWN
  }

  private final TokenStore store;
  private final Instant now;
  private final Map<String, Optional<TokenRecord>> records = new HashMap<>();
  private boolean storeFailed;

  TokenStanding(TokenStore store, Instant now) {
    this.store = store;
    this.now = now;
  }

  /** ENDED when any of the session's tokens ended, else UNKNOWN when any was unreadable. */
  Verdict of(Session session) {
    Verdict verdict = Verdict.VALID;
    for (Identity identity : session.spaces().values()) {
      Verdict one = of(session, identity);
      if (one == Verdict.ENDED) {
        return one;
      }
      if (one == Verdict.UNKNOWN) {
        verdict = one;
      }
    }
    return verdict;
  }

  private Verdict of(Session session, Identity identity) {
    String id = identity.credentialId();
    if (id == null || !identity.claims().containsKey(TOKEN_KIND_CLAIM)) {
      return Verdict.VALID; // not signed in with a token of this store: nothing to re-check
    }
    if (!records.containsKey(id)) {
      if (storeFailed) {
        return Verdict.UNKNOWN;
      }
      try {
        records.put(id, store.findById(id));
      } catch (RuntimeException e) { // TokenStoreException, or a store that broke another way
        storeFailed = true;
        return Verdict.UNKNOWN;
      }
    }
    Optional<TokenRecord> record = Objects.requireNonNull(records.get(id), "read above");
    return record.isPresent()
            && stands(record.get(), identity)
            && secretStillWorks(session, record.get())
        ? Verdict.VALID
        : Verdict.ENDED;
  }

  /**
   * Remembers the first time which secrets the session may hold (the current one, and the replaced
   * one while a rotation's grace lasts); after that, keeps only those still valid: none left means
   * the token was rotated and the session's secret no longer works. Across a rotation with grace
   * the session cannot tell which of the two it holds, so it lasts as long as the newer.
   */
  private boolean secretStillWorks(Session session, TokenRecord record) {
    Set<TokenHash> valid = new HashSet<>();
    valid.add(record.hash());
    TokenHash previous = record.previousHash();
    Instant graceEnd = record.previousValidUntil();
    if (previous != null && graceEnd != null && now.isBefore(graceEnd)) {
      valid.add(previous);
    }
    Set<TokenHash> known = session.secretsOf(record.id());
    if (known != null) {
      valid.retainAll(known);
    }
    session.rememberSecrets(record.id(), valid);
    return !valid.isEmpty();
  }

  /** Notes at sign-in which secrets the new session may hold (skipped when the store is down). */
  static void rememberSecrets(TokenStore store, Session session, Instant now) {
    TokenStanding standing = new TokenStanding(store, now);
    standing.of(session);
  }

  /**
   * True while the record is neither revoked nor expired and still grants the identity signed in
   * with: the same space, access, permissions and expiry. Any change ends the session; signing in
   * again picks up what the token grants now.
   */
  private boolean stands(TokenRecord record, Identity identity) {
    Instant revokedAt = record.revokedAt();
    Instant expiresAt = record.expiresAt();
    return (revokedAt == null || now.isBefore(revokedAt))
        && (expiresAt == null || now.isBefore(expiresAt))
        && record.space().equals(identity.space())
        && record.access() == identity.access()
        && record.permissions().equals(identity.permissions())
        && Objects.equals(expiresAt, identity.expiresAt());
  }
}
