package io.gatehouse.console;

import io.gatehouse.apikey.TokenHash;
import io.gatehouse.apikey.TokenRecord;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.core.Identity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Judges, for one re-check pass, whether the admin tokens behind console sessions still stand, from
 * their records in the token store. Each token is read once per pass however many sessions use it,
 * and after the first failed read the pass reads nothing more: during an outage one pass costs the
 * store one attempt, not one per session.
 */
final class TokenStanding {
  /** The claim the token authenticators of auth-apikey put on every identity they build. */
  static final String TOKEN_KIND_CLAIM = "token_kind";

  /**
   * The claim auth-apikey's token authenticators add when a token's replaced secret was presented
   * during a rotation's grace: when that secret stops working (ISO-8601).
   */
  static final String GRACE_UNTIL_CLAIM = "token_grace_until";

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

  /** The verdict on one of the session's identities. */
  Verdict of(Session session, Identity identity) {
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
            && secretStillWorks(session, identity, record.get())
        ? Verdict.VALID
        : Verdict.ENDED;
  }

  /**
   * When the secret {@code identity} signed in with stops working: the end of the rotation's grace
   * when it was the replaced secret, else null. A claim that does not parse ends at once (fail
   * closed).
   */
  static @Nullable Instant graceUntil(Identity identity) {
    Object claim = identity.claims().get(GRACE_UNTIL_CLAIM);
    if (claim == null) {
      return null;
    }
    try {
      return Instant.parse(claim.toString());
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  /**
   * Whether the secret the session signed in with still works. The session learns which secret that
   * is the first time it reads the record (at sign-in), and from then on keeps only those of them
   * still valid: none left means the token was rotated and its secret no longer works.
   *
   * <p>Which secret: an identity with {@value #GRACE_UNTIL_CLAIM} signed in with the secret a
   * rotation replaced, so with the record's previous secret as long as the record is still that
   * rotation's (same grace end); that secret also ends the session when the grace does ({@link
   * Session#expiresAt()}), store or not. Without the claim the authenticator judged the secret
   * current; the record read since may already be a newer rotation's (a rotation racing the
   * sign-in, or an authenticator cache that had not yet seen it), so the session may hold either of
   * the record's working secrets and lasts as long as the newer.
   */
  private boolean secretStillWorks(Session session, Identity identity, TokenRecord record) {
    Set<TokenHash> valid = new HashSet<>();
    valid.add(record.hash());
    TokenHash previous = record.previousHash();
    Instant graceEnd = record.previousValidUntil();
    if (previous != null && graceEnd != null && now.isBefore(graceEnd)) {
      valid.add(previous);
    }
    Set<TokenHash> known = session.secretsOf(record.id());
    if (known == null) {
      known = secretsAtSignIn(identity, record);
    }
    valid.retainAll(known);
    session.rememberSecrets(record.id(), valid);
    return !valid.isEmpty();
  }

  private static Set<TokenHash> secretsAtSignIn(Identity identity, TokenRecord record) {
    Instant signedInUntil = graceUntil(identity);
    if (signedInUntil == null) {
      Set<TokenHash> either = new HashSet<>();
      either.add(record.hash());
      TokenHash previous = record.previousHash();
      if (previous != null) {
        either.add(previous);
      }
      return either;
    }
    TokenHash previous = record.previousHash();
    return previous != null && signedInUntil.equals(record.previousValidUntil())
        ? Set.of(previous)
        : Set.of(); // rotated again since: the replaced secret is gone
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
