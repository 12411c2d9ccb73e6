package io.gatehouse.admin;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.console.AdminConsole;
import io.gatehouse.core.AuthHook;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.CredentialThrottle;
import io.gatehouse.core.CredentialThrottles;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Health;
import io.gatehouse.core.HealthCheck;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SettingsHolder;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.jwks.JwtAuthenticator;
import io.gatehouse.servlet.ForwardAuthServlet;
import io.gatehouse.servlet.GatehouseFilter;
import io.gatehouse.servlet.HealthServlet;
import jakarta.servlet.http.HttpServlet;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Gatehouse run from a store: the app embeds it, the operator runs it with {@code gatehouse} and
 * the console. API and admin tokens, JWT issuers and HS secrets per space, IP allow and deny rules
 * and trusted proxies all come from the database, and every change made by the CLI, the console or
 * another instance sharing the database applies within 2 s, with no restart.
 *
 * <pre>{@code
 * ManagedGatehouse managed = ManagedGatehouse.builder(TokenStores.h2Url(Path.of(".gatehouse")))
 *     .hook(new OfficeHoursHook())
 *     .build();
 * Gatehouse gatehouse = managed.gatehouse();   // for GatehouseFilter or the Netty handler
 * HttpServlet admin = managed.adminServlet();  // mount at /_admin/* (async supported)
 * HttpServlet health = managed.healthServlet(); // mount at /_health/*, outside the filter
 * ...
 * managed.close();
 * }</pre>
 *
 * <p>An address that keeps presenting refused credentials is turned away with 429 {@code throttled}
 * before any store read ({@link Builder#credentialThrottle}; on by default).
 *
 * <p>While the database is unreachable, the last good settings stay in force and token lookups that
 * miss the cache are refused with 503; nothing fails open.
 */
public final class ManagedGatehouse implements AutoCloseable {
  /** The space every request is in when no {@link Builder#spaceResolver} is set. */
  public static final String DEFAULT_SPACE = "dev";

  /** Where {@link #adminServlet()} must be mounted: the console's pages call {@code api/...}. */
  public static final String ADMIN_PATH = "/_admin";

  /** Where {@link #healthServlet()} is meant to be mounted, outside every Gatehouse filter. */
  public static final String HEALTH_PATH = "/_health";

  /** Where {@link #forwardAuthServlet()} is meant to be mounted, outside every Gatehouse filter. */
  public static final String FORWARD_AUTH_PATH = "/_authz";

  /** A readiness flood runs the store's probe at most once per this interval. */
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);

  private final AdminStore store;
  private final SettingsSync sync;
  private final SettingsHolder settings;
  private final Pipelines.Parts parts;
  private final Gatehouse gatehouse;
  private final AdminConsole console;
  private final HttpServlet adminServlet;
  private final HealthCheck health;
  private final HealthServlet healthServlet;
  private final UsageWiring usage;

  private ManagedGatehouse(Builder builder) {
    builder.listeners.forEach(builder.store::listener);
    this.store = builder.store.open();
    try {
      this.settings = new SettingsHolder();
      this.sync = new SettingsSync(store.settings(), store.keys().store().changes(), settings);
      this.usage = UsageWiring.open(store, builder.clock, builder.clockSet);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    JwtAuthenticator.Builder jwt = JwtAuthenticator.builder().clock(builder.clock);
    if (!builder.listeners.isEmpty()) { // the builder keeps one listener: hand it them all
      jwt.listener(AuthListener.all(builder.listeners));
    }
    this.parts =
        new Pipelines.Parts(
            builder.spaceResolver,
            store.keys(),
            jwt.build(),
            settings,
            builder.hooks,
            builder.listeners,
            sync.spaceCheck(),
            builder.clock,
            builder.throttle,
            usage.limiter());
    this.gatehouse = Pipelines.build(parts);
    // The console ends a session when its admin token changes anywhere (revoked, rotated: by
    // this app, the CLI or another instance), on a reload-all, and at its periodic re-check, so
    // a missed change event cannot keep a session alive.
    this.console =
        AdminConsole.builder(Pipelines.consoleSignIn(parts))
            .clock(builder.clock)
            .testFetchAllowed(Pipelines::canChangeSettings)
            .tokenStore(store.keys().store())
            .build();
    // The admin API takes console sessions first (cookie + CSRF token), then admin tokens.
    // An admin token the route's permission check refuses never reaches the operations, so the
    // refusal is audited here.
    List<AuthListener> adminListeners = new ArrayList<>(builder.listeners);
    adminListeners.add(auditRefusals(store.audit()));
    Gatehouse adminGatehouse =
        Pipelines.build(parts.withListeners(adminListeners), console.authenticator());
    AdminServlet api =
        new AdminServlet(
            (space, caller) ->
                store.management(space, caller, LocalManagement.storeChecker(store, space, parts)),
            builder.clock);
    this.adminServlet =
        new AdminPlaneServlet(
            console.servlet(),
            GatehouseFilter.builder(adminGatehouse).build(),
            api,
            builder.metrics);
    this.health =
        HealthCheck.throttled(
            HealthCheck.all(store.keys().store().healthCheck(), parts.jwt().healthCheck()),
            HEALTH_INTERVAL,
            System::nanoTime);
    this.healthServlet = HealthServlet.of(this::health);
  }

  /**
   * Appends a {@code refused} entry for every admin API call the admin policy refuses to an
   * authenticated admin token (a call without a valid admin token has no actor to record).
   */
  private static AuthListener auditRefusals(AuditLog audit) {
    return new AuthListener() {
      @Override
      public void onDecision(AuthRequest request, Decision decision) {
        Identity identity = decision.identity();
        if (decision.allowed()
            || identity == null
            || decision.reason() != Reason.INSUFFICIENT_ACCESS
            || !(request.path().startsWith(AdminServlet.PREFIX)
                || request.path().equals(Pipelines.METRICS_PATH))) {
          return;
        }
        InetAddress address = decision.clientAddress();
        Caller caller =
            Caller.of(
                identity, address == null ? Caller.UNKNOWN_ADDRESS : address.getHostAddress());
        audit.append(
            identity.space(),
            caller.actor(),
            "api " + AdminServlet.loggable(request.method() + " " + request.path()),
            "",
            caller.clientAddress(),
            AuditLog.REFUSED,
            LocalManagement.noTokens(decision.detail()));
      }
    };
  }

  /**
   * A managed Gatehouse on the database at {@code jdbcUrl}: {@code jdbc:postgresql://host/db}, or
   * an H2 file as {@link TokenStores#h2Url} gives it (shared with the CLI through H2's auto-server
   * mode).
   */
  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  /**
   * The decision pipeline: space, client address through the space's trusted proxies, its allow and
   * deny rules, API tokens ({@code x-apikey}), admin tokens and JWTs ({@code Authorization:
   * Bearer}), the hooks, and access by method. Hand it to a {@code GatehouseFilter} or the Netty
   * handler.
   */
  public Gatehouse gatehouse() {
    return gatehouse;
  }

  /**
   * The console and its admin API, as one servlet to mount at {@value #ADMIN_PATH}{@code /*} with
   * async support: pages under {@code /_admin/}, the API under {@code /_admin/api/} for admin
   * tokens and console sessions, acting in the caller's space with the caller's permissions.
   */
  public HttpServlet adminServlet() {
    return adminServlet;
  }

  /**
   * The health of this instance: the store ({@code tokenStore}, a probe query with a 1 s timeout),
   * its change feed ({@code changeFeed}) and each JWKS source in use ({@code jwks-1}, ...;
   * optional: an identity provider's outage degrades, it does not take the instance out). DOWN when
   * the store or the feed is DOWN. Checked at most once a second however often it is asked.
   */
  public Health health() {
    return health.health();
  }

  /**
   * {@code GET /_health/live} and {@code GET /_health/ready} (503 when {@link #health()} is DOWN),
   * unauthenticated and terse: mount it at {@value #HEALTH_PATH}{@code /*} where no Gatehouse
   * filter applies (e.g. its own servlet context), so that a probe needs no credential.
   */
  public HttpServlet healthServlet() {
    return healthServlet;
  }

  /**
   * A forward-auth endpoint deciding with {@link #gatehouse()}, for nginx {@code auth_request},
   * Traefik {@code ForwardAuth} and Envoy {@code ext_authz}: mount it at {@value
   * #FORWARD_AUTH_PATH}{@code /*} with async support, where no Gatehouse filter applies (see {@link
   * ForwardAuthServlet} and docs/FORWARD-AUTH.md).
   */
  public HttpServlet forwardAuthServlet() {
    return ForwardAuthServlet.builder(gatehouse).build();
  }

  /** The live settings the pipeline reads (every space's), current within 2 s. */
  public Supplier<Settings> settings() {
    return settings;
  }

  /** The store: its tokens, and the management operations for any caller. */
  public AdminStore store() {
    return store;
  }

  /**
   * The management operations in {@code space} for {@code caller} (e.g. {@link Caller#operator()}
   * for the app itself); dry runs decide with the settings as stored and this app's hooks.
   */
  public Management management(String space, Caller caller) {
    return store.management(space, caller, LocalManagement.storeChecker(store, space, parts));
  }

  /**
   * The usage limits per token, as this instance holds them (refreshed within 2 s of a change
   * anywhere): rate limits in local buckets, or on PostgreSQL in buckets shared by every instance,
   * and credits counted exactly in the store. See {@code docs/LIMITS.md}.
   */
  public io.gatehouse.usage.UsageLimiter usageLimiter() {
    return usage.limiter();
  }

  /** The limits this instance holds now (tests wait for a change to arrive). */
  io.gatehouse.usage.LimitSource limits() {
    return usage.sync();
  }

  /** Stops the console's sessions, the settings reload and the store's connections. */
  @Override
  public void close() {
    try {
      console.close();
      sync.close();
      usage.close();
    } finally {
      store.close();
    }
  }

  /** Builds a {@link ManagedGatehouse}. */
  public static final class Builder {
    private final AdminStore.Builder store;
    private SpaceResolver spaceResolver = SpaceResolver.fixed(DEFAULT_SPACE);
    private final List<AuthHook> hooks = new ArrayList<>();
    private final List<AuthListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable Supplier<String> metrics;
    private boolean clockSet;
    private CredentialThrottle throttle = CredentialThrottles.perAddress().build();

    private Builder(String jdbcUrl) {
      this.store = AdminStore.builder(jdbcUrl);
    }

    /** The database user and password, when not in the URL. Never logged. */
    public Builder credentials(String user, String password) {
      store.credentials(user, password);
      return this;
    }

    /**
     * Maps requests to spaces (e.g. {@link SpaceResolver#fromHost()}, {@link
     * SpaceResolver#fromPath()}). Default: every request in {@value #DEFAULT_SPACE}. Only the
     * spaces the store declares are served ({@link Management#spaces()}: a token or setting made in
     * a space declares it, and every store declares {@value #DEFAULT_SPACE}); a request in any
     * other space is refused with 403 {@code unknown_space}, one in a space whose stored settings
     * cannot be read (and were never read) with 503.
     */
    public Builder spaceResolver(SpaceResolver resolver) {
      this.spaceResolver = Objects.requireNonNull(resolver, "spaceResolver");
      return this;
    }

    /** An authhook, run after authentication; any number, in the order added. */
    public Builder hook(AuthHook hook) {
      hooks.add(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** Receives every decision and the token and JWKS events; any number. */
    public Builder listener(AuthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Serves {@code prometheusText} at {@code /_admin/metrics} to admin tokens holding {@value
     * AdminRules#METRICS} (or {@value AdminRules#MANAGE}); without it that path answers 404. With
     * auth-micrometer: bind a {@code GatehouseMetrics} to a {@code PrometheusMeterRegistry}, add it
     * as a {@link #listener}, and pass {@code registry::scrape} here. This module depends on no
     * metrics library: the text is the seam.
     */
    public Builder metricsEndpoint(Supplier<String> prometheusText) {
      this.metrics = Objects.requireNonNull(prometheusText, "prometheusText");
      return this;
    }

    /** The clock of every stage, the hooks, expiry checks, sessions and audit entries (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.clockSet = true;
      store.clock(clock);
      return this;
    }

    /**
     * The failed-credential throttle of every pipeline (the app's, the admin API's, the console's
     * sign-in). Default {@link CredentialThrottles#perAddress()}: an address that presented 20
     * refused credentials is refused (429, reason THROTTLED) until it regains one every 3 s; each
     * space sets its own budget, or turns it off, with {@code gatehouse throttle}.
     */
    public Builder credentialThrottle(CredentialThrottle throttle) {
      this.throttle = Objects.requireNonNull(throttle, "credentialThrottle");
      return this;
    }

    /** How often the store is polled for other processes' changes where nothing pushes them. */
    public Builder pollInterval(Duration pollInterval) {
      store.pollInterval(pollInterval);
      return this;
    }

    /** Where warnings about the store's files go (default: the log). */
    public Builder warnings(java.util.function.Consumer<String> warnings) {
      store.warnings(warnings);
      return this;
    }

    /**
     * Opens the store (creating or migrating its schema), loads the settings and assembles the
     * pipeline.
     *
     * @throws AdminException of kind {@code UNAVAILABLE} when the database cannot be reached
     */
    public ManagedGatehouse build() {
      return new ManagedGatehouse(this);
    }
  }
}
