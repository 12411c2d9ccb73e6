package io.gatehouse.console;

import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.core.Access;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Checks;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import jakarta.servlet.http.HttpServlet;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin web console: a servlet to mount under {@code /_admin/*} (static UI from this jar, sign
 * in and out) and the session authenticator for the admin API under {@code /_admin/api/*}.
 *
 * <pre>{@code
 * AdminConsole console = AdminConsole.builder(signInPipeline)
 *     .tokenStore(keys.store())                    // sessions last no longer than their token
 *     .build();                                    // (without it: a warning, see below)
 * Gatehouse adminApi = Gatehouse.builder()
 *     .authenticator(console.authenticator())      // first: console sessions (cookie + CSRF)
 *     .authenticator(keys.adminAuthenticator())    // then Authorization: Bearer gha_... (the CLI)
 *     .accessPolicy(adminPermissions)              // applies to both
 *     .build();
 * context.addServlet(new ServletHolder(console.servlet()), "/_admin/*");
 * context.addFilter(new FilterHolder(GatehouseFilter.builder(adminApi).build()), "/_admin/api/*", ...);
 * context.addServlet(new ServletHolder(adminApiServlet), "/_admin/api/*");
 * }</pre>
 *
 * <p>Sign-in sends the admin token once, in a JSON body; the {@code signIn} pipeline decides it as
 * it would an {@code Authorization: Bearer} request from the same client (address rules and trusted
 * proxies apply), and on success the browser gets an {@code HttpOnly; SameSite=Strict} session
 * cookie ({@code Secure} over TLS) and a CSRF token. The token is never stored, on either side.
 *
 * <p>Always pass {@link Builder#tokenStore tokenStore(keys.store())}: without it nothing re-checks
 * a session against the store, so a session outlives the revocation or rotation of its admin token
 * until it expires (15 minutes idle, 8 hours at most, by default), and {@link Builder#build()} logs
 * a warning saying so. {@link #close()} stops the re-check; the store stays the caller's.
 */
public final class AdminConsole implements AutoCloseable {
  private static final int MAX_THROTTLED_ADDRESSES = 10_000;

  /** How often the background thread asks the clock whether a re-check is due. */
  private static final Duration RECHECK_TICK = Duration.ofSeconds(1);

  /** How long {@link #close()} waits for a re-check under way. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);

  private final ConsoleSessions sessions;
  private final ConsoleServlet servlet;
  private final ChangeFeed.@Nullable Subscription tokenChanges;
  private final @Nullable ScheduledExecutorService recheckThread;

  private AdminConsole(Builder builder) {
    this.sessions =
        new ConsoleSessions(
            builder.clock,
            builder.idleTimeout,
            builder.absoluteTimeout,
            builder.maxSessions,
            builder.tokenStore,
            builder.sessionRecheck,
            builder.unconfirmedSessionLimit);
    this.servlet =
        new ConsoleServlet(
            builder.signIn,
            sessions,
            builder.signInAllowed,
            builder.testFetchAllowed,
            new JwksProbe(builder.fetchTimeout, builder.nanoTicker, builder.probeResolver),
            new SignInThrottle(
                builder.clock,
                builder.failedSignInBurst,
                builder.failedSignInRefill,
                MAX_THROTTLED_ADDRESSES),
            builder.signInTimeout,
            builder.alwaysSecureCookie,
            builder.spaceHeader);
    TokenStore store = builder.tokenStore;
    if (store == null) {
      this.tokenChanges = null;
      this.recheckThread = null;
    } else {
      this.tokenChanges =
          store.changes().subscribe(TokenStore.TOKEN_TOPIC, sessions::onTokenChange);
      this.recheckThread = startRecheckThread(sessions, builder.sessionRecheck);
    }
  }

  /**
   * Ticks often (at most every second) and lets the clock decide when a re-check is due, so that a
   * test moving its clock sees the re-check follow within a tick.
   */
  private static ScheduledExecutorService startRecheckThread(
      ConsoleSessions sessions, Duration interval) {
    ScheduledExecutorService thread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread daemon = new Thread(task, "gatehouse-console-recheck");
              daemon.setDaemon(true);
              return daemon;
            });
    long tickMillis = Math.max(1, Math.min(interval.toMillis(), RECHECK_TICK.toMillis()));
    Future<?> unused =
        thread.scheduleWithFixedDelay(
            () -> recheckIfDue(sessions), tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    return thread;
  }

  private static void recheckIfDue(ConsoleSessions sessions) {
    try {
      sessions.recheckIfDue();
    } catch (RuntimeException e) {
      // A task that throws is never run again: report it and keep re-checking.
      Thread current = Thread.currentThread();
      current.getUncaughtExceptionHandler().uncaughtException(current, e);
    }
  }

  /**
   * A builder; {@code signIn} is the pipeline that checks the admin token typed at sign-in (usually
   * the admin-token authenticator with the app's address rules). Its access policy sees the sign-in
   * request ({@code POST <mount>/session}). Each sign-in is decided twice: first without its token,
   * only to learn the client address for the failed sign-in throttle (the authenticators abstain,
   * so nothing is looked up), then with it; the pipeline's hooks and listeners see both.
   */
  public static Builder builder(Gatehouse signIn) {
    return new Builder(signIn);
  }

  /** The servlet to mount under {@code /_admin/*} (any mount point works; cookies follow it). */
  public HttpServlet servlet() {
    return servlet;
  }

  /** The signed-in sessions. */
  public ConsoleSessions sessions() {
    return sessions;
  }

  /** Shorthand for {@code sessions().authenticator()}: put it first for {@code /_admin/api/*}. */
  public Authenticator authenticator() {
    return sessions.authenticator();
  }

  /**
   * Stops re-checking sessions (the background thread and the change-feed subscription), waiting up
   * to 10 s for a re-check under way to finish. The token store stays open: it is the caller's.
   */
  @Override
  public void close() {
    if (tokenChanges != null) {
      tokenChanges.close();
    }
    ScheduledExecutorService thread = recheckThread;
    if (thread != null) {
      // No interrupts: the thread may be inside a store call, and an interrupted JDBC call can
      // break the store the app goes on using (H2 closes its file).
      thread.shutdown();
      try {
        if (!thread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("a session re-check still running after {}; closing anyway", CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Configures an {@link AdminConsole}; every setter checks its argument at once. */
  public static final class Builder {
    private final Gatehouse signIn;
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTicker = System::nanoTime;
    private Duration idleTimeout = Duration.ofMinutes(15);
    private Duration absoluteTimeout = Duration.ofHours(8);
    private int maxSessions = 10_000;
    private int failedSignInBurst = 10;
    private Duration failedSignInRefill = Duration.ofSeconds(30);
    private Duration signInTimeout = Duration.ofSeconds(10);
    private Duration fetchTimeout = Duration.ofSeconds(5);
    private boolean alwaysSecureCookie;
    private @Nullable String spaceHeader;
    private @Nullable TokenStore tokenStore;
    private Duration sessionRecheck = Duration.ofSeconds(30);
    private Duration unconfirmedSessionLimit = Duration.ofMinutes(15);
    private Predicate<Identity> signInAllowed = identity -> identity.access() == Access.ADMIN;
    private Predicate<Identity> testFetchAllowed = identity -> identity.access() == Access.ADMIN;
    private ProbeTarget.Resolver probeResolver = InetAddress::getAllByName;

    private Builder(Gatehouse signIn) {
      this.signIn = Objects.requireNonNull(signIn, "signIn");
    }

    /** The clock for session expiry; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The ticker timing the JWKS test fetch; default {@link System#nanoTime}. */
    public Builder nanoTicker(LongSupplier ticker) {
      this.nanoTicker = Objects.requireNonNull(ticker, "nanoTicker");
      return this;
    }

    /** A session unused this long ends; default 15 minutes. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Checks.positive(timeout, "idleTimeout");
      return this;
    }

    /** A session ends this long after sign-in however much it is used; default 8 hours. */
    public Builder absoluteTimeout(Duration timeout) {
      this.absoluteTimeout = Checks.positive(timeout, "absoluteTimeout");
      return this;
    }

    /** At most this many sessions at once (further sign-ins get 503); default 10,000. */
    public Builder maxSessions(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSessions must be at least 1, was " + max);
      }
      this.maxSessions = max;
      return this;
    }

    /**
     * How many failed sign-ins a client address may make in a row ({@code burst}), and how often
     * one of them is forgiven ({@code refill}); past that the address gets 429 with {@code
     * Retry-After}. Default: 10, one forgiven every 30 s. The address is the one the sign-in
     * pipeline resolved (through its trusted proxies), else the socket peer.
     */
    public Builder failedSignIns(int burst, Duration refill) {
      if (burst < 1) {
        throw new IllegalArgumentException("failedSignIns burst must be at least 1, was " + burst);
      }
      this.failedSignInRefill = Checks.positive(refill, "failedSignIns refill");
      this.failedSignInBurst = burst;
      return this;
    }

    /** The longest the sign-in pipeline may take; default 10 s. */
    public Builder signInTimeout(Duration timeout) {
      this.signInTimeout = Checks.positive(timeout, "signInTimeout");
      return this;
    }

    /** Connect and read timeout of the JWKS test fetch; default 5 s. */
    public Builder fetchTimeout(Duration timeout) {
      this.fetchTimeout = Checks.positive(timeout, "fetchTimeout");
      return this;
    }

    /**
     * Mark the cookie {@code Secure} even when the request did not arrive over TLS (behind a
     * TLS-terminating proxy). Without it, {@code Secure} is set when the request is secure.
     */
    public Builder alwaysSecureCookie() {
      this.alwaysSecureCookie = true;
      return this;
    }

    /**
     * The request header the app's {@link io.gatehouse.core.SpaceResolver} reads the space from,
     * when it reads one: the console's space switcher then sends the chosen space in it. Without it
     * (one space per server, as {@code gatehouse serve}) the switcher shows the signed-in space.
     */
    public Builder spaceHeader(String name) {
      Objects.requireNonNull(name, "spaceHeader");
      if (!name.matches("[A-Za-z0-9-]{1,64}")) {
        throw new IllegalArgumentException("spaceHeader is not a header name: '" + name + "'");
      }
      this.spaceHeader = name;
      return this;
    }

    /**
     * The store the admin tokens live in. With it, a console session lasts no longer than its admin
     * token, even when a change event is missed: the sessions of a token named on the store's
     * change feed end at once; every session is {@linkplain ConsoleSessions#recheck() re-checked}
     * against the store every {@link #sessionRecheck} (a background daemon thread; {@link
     * AdminConsole#close()} stops it) and on every "anything may have changed" event ({@link
     * ChangeFeed#ALL}). Without it, sessions end only when they expire or by {@link
     * ConsoleSessions#endSessionsOf}.
     */
    public Builder tokenStore(TokenStore store) {
      this.tokenStore = Objects.requireNonNull(store, "tokenStore");
      return this;
    }

    /** How often every session is re-checked against the {@link #tokenStore}; default 30 s. */
    public Builder sessionRecheck(Duration interval) {
      this.sessionRecheck = Checks.positive(interval, "sessionRecheck");
      return this;
    }

    /**
     * How long a session is kept while the {@link #tokenStore} cannot answer its re-check; default
     * 15 minutes. An outage is not a revocation, so sessions survive a short one; a longer one ends
     * them (fail closed), since a token revoked meanwhile could otherwise keep its session. Once
     * the store answers again, the sessions of a token that no longer stands end at the next
     * re-check.
     */
    public Builder unconfirmedSessionLimit(Duration limit) {
      this.unconfirmedSessionLimit = Checks.positive(limit, "unconfirmedSessionLimit");
      return this;
    }

    /** Which identities may sign in; default: admin access ({@link Access#ADMIN}). */
    public Builder signInAllowed(Predicate<Identity> rule) {
      this.signInAllowed = Objects.requireNonNull(rule, "signInAllowed");
      return this;
    }

    /**
     * Which identities may run the JWKS test fetch; default: admin access. Whoever may, the fetch
     * reaches only https URLs, or http on loopback, never a link-local or cloud metadata address,
     * and reports what went wrong only as a class ("HTTP 4xx", "timeout"), never the answer's text.
     */
    public Builder testFetchAllowed(Predicate<Identity> rule) {
      this.testFetchAllowed = Objects.requireNonNull(rule, "testFetchAllowed");
      return this;
    }

    /** How the JWKS test fetch looks host names up (tests have no DNS of their own). */
    Builder probeResolver(ProbeTarget.Resolver resolver) {
      this.probeResolver = Objects.requireNonNull(resolver, "probeResolver");
      return this;
    }

    /**
     * The console. Without a {@link #tokenStore} it logs a warning (once per build): its sessions
     * are then never re-checked, and outlive a revoked or rotated admin token until they expire.
     */
    public AdminConsole build() {
      if (idleTimeout.compareTo(absoluteTimeout) > 0) {
        throw new IllegalArgumentException(
            "idleTimeout " + idleTimeout + " is longer than absoluteTimeout " + absoluteTimeout);
      }
      if (tokenStore == null) {
        LOG.warn(
            "AdminConsole built without tokenStore(...): console sessions are never re-checked"
                + " and outlive a revoked or rotated admin token until they expire (idle {},"
                + " at most {}); pass the admin tokens' store, e.g. .tokenStore(keys.store())",
            idleTimeout,
            absoluteTimeout);
      }
      return new AdminConsole(this);
    }
  }
}
