package io.gatehouse.console;

import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.core.Access;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Identity;
import io.gatehouse.core.MethodOverride;
import io.gatehouse.core.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The console's signed-in sessions, kept in memory on the server: a random session id (256 bits) in
 * an {@code HttpOnly; SameSite=Strict} cookie, the admin {@link Identity} it stands for, a CSRF
 * token, and an idle and an absolute expiry. The admin token itself is never kept: it is checked
 * once at sign-in and dropped.
 *
 * <p>{@link #authenticator()} lets the admin API accept these sessions: put it first in the
 * pipeline that guards {@code /_admin/api/*}. It abstains when the request has no session cookie
 * (the CLI's {@code Authorization: Bearer} requests go on to the admin-token authenticator),
 * answers with the session's identity when the cookie is valid, and refuses an unknown or expired
 * session (401) and a state-changing request without the session's {@code X-CSRF-Token} (403). The
 * pipeline's access policy then checks the identity's permissions as for a token.
 *
 * <p>With a {@linkplain AdminConsole.Builder#tokenStore token store}, a session lasts no longer
 * than its admin token: a change event for the token ends its sessions at once, and every session
 * is {@linkplain #recheck() re-checked} against the store periodically and, within a second,
 * whenever the change feed reports that it may have missed events.
 */
public final class ConsoleSessions {
  /** The cookie holding the session id. */
  public static final String COOKIE = "gatehouse_console";

  /**
   * The request header that must carry the session's CSRF token on POST, PUT, DELETE, PATCH, and on
   * any request whose {@linkplain MethodOverride method override} names such a method.
   */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  private static final Pattern COOKIE_SEPARATOR = Pattern.compile(";");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, Session> byIdHash = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration absoluteTimeout;
  private final int maxSessions;
  private final Authenticator authenticator = new SessionAuthenticator();
  private final @Nullable TokenStore tokenStore;
  private final Duration recheckInterval;
  private final Duration unconfirmedLimit;
  private final Object recheckLock = new Object();
  private volatile Instant lastRecheck;
  private volatile boolean recheckRequested;

  /** Counts change events, so that a sign-in can tell whether one arrived while it opened. */
  private final AtomicLong changesSeen = new AtomicLong();

  ConsoleSessions(
      Clock clock,
      Duration idleTimeout,
      Duration absoluteTimeout,
      int maxSessions,
      @Nullable TokenStore tokenStore,
      Duration recheckInterval,
      Duration unconfirmedLimit) {
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.absoluteTimeout = absoluteTimeout;
    this.maxSessions = maxSessions;
    this.tokenStore = tokenStore;
    this.recheckInterval = recheckInterval;
    this.unconfirmedLimit = unconfirmedLimit;
    this.lastRecheck = clock.instant();
  }

  /** The authenticator (id {@code console}) that accepts console sessions on the admin API. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** How many sessions are signed in and not expired. */
  public int activeSessions() {
    purgeExpired(clock.instant());
    return byIdHash.size();
  }

  /**
   * Signs out every session that was opened with the admin credential {@code credentialId} (call it
   * when that admin token is revoked); returns how many ended.
   */
  public int endSessionsOf(String credentialId) {
    Objects.requireNonNull(credentialId, "credentialId");
    int before = byIdHash.size();
    byIdHash.values().removeIf(session -> session.usesCredential(credentialId));
    return Math.max(0, before - byIdHash.size());
  }

  /**
   * Re-checks every live session against the token store now, and returns how many ended. A session
   * ends when an admin token it was opened with is revoked, expired or deleted, was rotated and the
   * secret the session signed in with stopped working, or no longer grants the space, access,
   * permissions or expiry it signed in with. The console runs this every {@link
   * AdminConsole.Builder#sessionRecheck} and on every "anything may have changed" event of the
   * store's change feed; call it yourself after a change the feed may have missed. Does nothing
   * without {@link AdminConsole.Builder#tokenStore}.
   *
   * <p>When the store cannot answer, a session is kept: an outage is not a revocation. It ends once
   * the store answers that its token no longer stands, or, if the store stays unreachable, once it
   * has gone unconfirmed for {@link AdminConsole.Builder#unconfirmedSessionLimit}, so that a token
   * revoked during a long outage cannot keep a session alive.
   */
  public int recheck() {
    TokenStore store = tokenStore;
    if (store == null) {
      return 0;
    }
    synchronized (recheckLock) {
      recheckRequested = false; // before reading: a request arriving meanwhile runs another pass
      Instant now = clock.instant();
      lastRecheck = now;
      purgeExpired(now);
      TokenStanding standing = new TokenStanding(store, now);
      int ended = 0;
      for (Session session : List.copyOf(byIdHash.values())) {
        if (mustEnd(session, standing.of(session), now)
            && byIdHash.remove(session.idHash(), session)) {
          ended++;
        }
      }
      return ended;
    }
  }

  private boolean mustEnd(Session session, TokenStanding.Verdict verdict, Instant now) {
    return switch (verdict) {
      case VALID -> {
        session.confirmed();
        yield false;
      }
      case ENDED -> true;
      case UNKNOWN -> session.unconfirmedFor(now).compareTo(unconfirmedLimit) >= 0;
    };
  }

  /**
   * Runs {@link #recheck} when one was asked for by a change event, or when the clock says the
   * re-check interval has passed since the last.
   */
  void recheckIfDue() {
    if (recheckRequested || !clock.instant().isBefore(lastRecheck.plus(recheckInterval))) {
      recheck();
    }
  }

  /**
   * A change to token records: a named token changed (revoked, rotated, edited), so its sessions
   * end at once; or anything may have changed (the feed missed events), so every session is
   * re-checked, by the re-check thread within a tick.
   *
   * <p>This runs on the store's change-delivery thread (a JDBC store's poll, which holds a pooled
   * connection and its lock while it delivers), so it never reads the store itself: a re-check here
   * (one read per token) could wait for a connection the poll holds (a pool of one deadlocks) and
   * would hold up the other subscribers' events.
   */
  void onTokenChange(ChangeFeed.Change change) {
    changesSeen.incrementAndGet();
    if (change.isAll()) {
      recheckRequested = true;
    } else {
      endSessionsOf(change.key());
    }
  }

  // ---- used by the console servlet ----

  /**
   * Opens a session for {@code identity}, carrying over the other spaces of {@code previous} (a
   * second sign-in adds a space). The previous session ends: a sign-in always gets a new id.
   *
   * <p>With a token store, the store has the last word: the sign-in pipeline may have judged the
   * token from a cache that has not yet seen its revocation. Returns null (the sign-in is refused;
   * the previous session is kept, unless a change event raced the sign-in) when the token just
   * signed in with no longer stands in the store; a space of {@code previous} whose token no longer
   * stands is not carried over. A store that cannot answer refuses nothing: an outage is not a
   * revocation, and the re-checks catch up.
   */
  @Nullable Opened open(Identity identity, @Nullable Session previous) {
    Instant now = clock.instant();
    purgeExpired(now);
    Map<String, Identity> spaces = new LinkedHashMap<>();
    if (previous != null) {
      previous.spaces().forEach(spaces::put);
    }
    spaces.put(identity.space(), identity);
    Instant absolute = now.plus(absoluteTimeout);
    if (previous != null && previous.absoluteExpiry().isBefore(absolute)) {
      absolute = previous.absoluteExpiry(); // adding a space does not extend the session
    }
    String id = randomToken();
    Session session =
        new Session(hash(id), randomToken(), spaces, identity.space(), now, absolute, idleTimeout);
    if (previous != null) {
      session.inheritSecrets(previous, identity.credentialId());
    }
    long changesBefore = changesSeen.get();
    if (!keepStandingSpaces(session, now)) {
      return null;
    }
    if (previous != null) {
      byIdHash.remove(previous.idHash());
    }
    if (byIdHash.size() >= maxSessions) {
      throw new IllegalStateException("too many console sessions are open; try again later");
    }
    byIdHash.put(session.idHash(), session);
    if (changesSeen.get() != changesBefore && !keepStandingSpaces(session, now)) {
      // A change event arrived between the store's answer and the session being listed, so it
      // could not end it: ask the store again, now that the change is in.
      byIdHash.remove(session.idHash(), session);
      return null;
    }
    return new Opened(id, session);
  }

  /**
   * Asks the store whether the session's tokens still stand (noting which secrets it may hold);
   * drops the spaces whose token no longer does; false when the active space's does not.
   */
  private boolean keepStandingSpaces(Session session, Instant now) {
    TokenStore store = tokenStore;
    if (store == null) {
      return true;
    }
    TokenStanding standing = new TokenStanding(store, now);
    Set<String> ended = new HashSet<>();
    session
        .spaces()
        .forEach(
            (space, identity) -> {
              if (standing.of(session, identity) == TokenStanding.Verdict.ENDED) {
                ended.add(space);
              }
            });
    if (ended.contains(session.activeSpace())) {
      return false;
    }
    session.dropSpaces(ended);
    return true;
  }

  /** The live session for the cookie value, touched; null when unknown or expired (and dropped). */
  @Nullable Session find(String sessionId) {
    Session session = byIdHash.get(hash(sessionId));
    if (session == null) {
      return null;
    }
    Instant now = clock.instant();
    if (session.expiredAt(now)) {
      byIdHash.remove(session.idHash(), session);
      return null;
    }
    session.touch(now);
    return session;
  }

  void close(Session session) {
    byIdHash.remove(session.idHash(), session);
  }

  Instant now() {
    return clock.instant();
  }

  /** The session id in the request's cookies; null when absent; "" when sent more than once. */
  static @Nullable String sessionCookie(List<String> cookieHeaders) {
    String found = null;
    for (String header : cookieHeaders) {
      for (String pair : COOKIE_SEPARATOR.splitAsStream(header).toList()) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(COOKIE)) {
          if (found != null) {
            return "";
          }
          found = pair.substring(eq + 1).strip();
        }
      }
    }
    return found;
  }

  /** True when {@code method} may change state and therefore needs the CSRF token. */
  static boolean changesState(String method) {
    return !Access.isSafeMethod(method) && !method.equalsIgnoreCase("TRACE");
  }

  static boolean csrfMatches(Session session, @Nullable String presented) {
    return presented != null
        && MessageDigest.isEqual(
            session.csrfToken().getBytes(StandardCharsets.UTF_8),
            presented.getBytes(StandardCharsets.UTF_8));
  }

  private void purgeExpired(Instant now) {
    List<String> expired = new ArrayList<>();
    byIdHash.forEach(
        (key, session) -> {
          if (session.expiredAt(now)) {
            expired.add(key);
          }
        });
    expired.forEach(byIdHash::remove);
  }

  private String randomToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  static String hash(String value) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A session just opened and the id to put in its cookie (shown nowhere else). */
  record Opened(String id, Session session) {
    @Override
    public String toString() {
      return "Opened[" + session.activeSpace() + "]"; // never the id
    }
  }

  /** Accepts console sessions on the admin API. */
  private final class SessionAuthenticator implements Authenticator {
    @Override
    public String id() {
      return "console";
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
      AuthRequest request = context.request();
      String sessionId = sessionCookie(request.headers("cookie"));
      if (sessionId == null) {
        return AuthOutcome.abstain().completed();
      }
      if (sessionId.isEmpty()) {
        return AuthOutcome.failure(Reason.MALFORMED, "the console session cookie was sent twice")
            .completed();
      }
      Session session = find(sessionId);
      if (session == null) {
        return AuthOutcome.failure(
                Reason.UNKNOWN_CREDENTIAL,
                "the console session has ended or expired: sign in again")
            .completed();
      }
      // The strictest of the method and its overrides: a GET carrying X-HTTP-Method-Override:
      // DELETE (or ?_method=DELETE) is a delete in many apps, so it needs the CSRF token too.
      if (changesState(MethodOverride.strictest(request))
          && !csrfMatches(session, request.header(CSRF_HEADER))) {
        return AuthOutcome.failure(
                Reason.INSUFFICIENT_ACCESS,
                "a console request that changes state needs the session's " + CSRF_HEADER)
            .completed();
      }
      Identity identity = session.spaces().get(context.space());
      if (identity == null) {
        return AuthOutcome.failure(
                Reason.INSUFFICIENT_ACCESS,
                "this console session is not signed into space '"
                    + context.space()
                    + "': sign in with an admin token of that space")
            .completed();
      }
      return AuthOutcome.success(identity).completed();
    }
  }
}
