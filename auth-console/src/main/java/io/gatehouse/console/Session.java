package io.gatehouse.console;

import io.gatehouse.apikey.TokenHash;
import io.gatehouse.core.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One signed-in console session: the admin identity of each space signed into, the active space,
 * the CSRF token and the expiries. Only the SHA-256 of the session id is kept.
 */
final class Session {
  private final String idHash;
  private final String csrfToken;
  private volatile Map<String, Identity> spaces;
  private final Instant absoluteExpiry;
  private final Duration idleTimeout;
  private volatile String activeSpace;
  private volatile Instant lastSeen;
  private volatile @Nullable Instant unconfirmedSince;

  /**
   * Per admin token (by id): the hashes of the secrets the session may have signed in with, from
   * the token store; narrowed at each re-check to those still valid, so that a rotation the change
   * feed missed still ends the session once the secret it used stops working.
   */
  private final Map<String, Set<TokenHash>> secrets = new ConcurrentHashMap<>();

  Session(
      String idHash,
      String csrfToken,
      Map<String, Identity> spaces,
      String activeSpace,
      Instant now,
      Instant absoluteExpiry,
      Duration idleTimeout) {
    this.idHash = idHash;
    this.csrfToken = csrfToken;
    this.spaces = Collections.unmodifiableMap(new LinkedHashMap<>(spaces));
    this.activeSpace = activeSpace;
    this.lastSeen = now;
    this.absoluteExpiry = absoluteExpiry;
    this.idleTimeout = idleTimeout;
  }

  String idHash() {
    return idHash;
  }

  String csrfToken() {
    return csrfToken;
  }

  Map<String, Identity> spaces() {
    return spaces;
  }

  String activeSpace() {
    return activeSpace;
  }

  Identity activeIdentity() {
    return Objects.requireNonNull(spaces.get(activeSpace), "the active space is signed in");
  }

  Instant absoluteExpiry() {
    return absoluteExpiry;
  }

  /**
   * When the session ends if unused: idle timeout, absolute limit, the credential's expiry, or the
   * end of the rotation's grace when it signed in with a token's replaced secret.
   */
  Instant expiresAt() {
    Instant at = lastSeen.plus(idleTimeout);
    if (absoluteExpiry.isBefore(at)) {
      at = absoluteExpiry;
    }
    for (Identity identity : spaces.values()) {
      at = earlier(at, identity.expiresAt());
      at = earlier(at, TokenStanding.graceUntil(identity));
    }
    return at;
  }

  private static Instant earlier(Instant at, @Nullable Instant other) {
    return other != null && other.isBefore(at) ? other : at;
  }

  boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt());
  }

  void touch(Instant now) {
    if (now.isAfter(lastSeen)) {
      lastSeen = now;
    }
  }

  /**
   * The hashes this session's secret for {@code credentialId} may have; null when not yet known.
   */
  @Nullable Set<TokenHash> secretsOf(String credentialId) {
    return secrets.get(credentialId);
  }

  void rememberSecrets(String credentialId, Set<TokenHash> hashes) {
    secrets.put(credentialId, Set.copyOf(hashes));
  }

  /**
   * Carries what {@code previous} knew about its secrets over to this session, except for {@code
   * renewed}: the credential just signed in with again, whose secret may be another one now.
   */
  void inheritSecrets(Session previous, @Nullable String renewed) {
    previous.secrets.forEach(
        (credentialId, hashes) -> {
          if (!credentialId.equals(renewed)) {
            secrets.putIfAbsent(credentialId, hashes);
          }
        });
  }

  /** The token store confirmed that the session's tokens still stand. */
  void confirmed() {
    unconfirmedSince = null;
  }

  /**
   * The token store could not be asked at {@code now}: how long the session has gone unconfirmed,
   * counted from the first re-check that failed.
   */
  Duration unconfirmedFor(Instant now) {
    Instant since = unconfirmedSince;
    if (since == null) {
      since = now;
      unconfirmedSince = since;
    }
    return Duration.between(since, now);
  }

  /** Signs the session out of {@code ended} (spaces whose token no longer stands). */
  void dropSpaces(Set<String> ended) {
    if (ended.isEmpty()) {
      return;
    }
    Map<String, Identity> kept = new LinkedHashMap<>(spaces);
    kept.keySet().removeAll(ended);
    spaces = Collections.unmodifiableMap(kept);
  }

  /** Makes {@code space} the one the admin API acts on; false when it was never signed into. */
  boolean switchTo(String space) {
    if (!spaces.containsKey(space)) {
      return false;
    }
    activeSpace = space;
    return true;
  }

  boolean usesCredential(String credentialId) {
    for (Identity identity : spaces.values()) {
      if (credentialId.equals(identity.credentialId())) {
        return true;
      }
    }
    return false;
  }
}
