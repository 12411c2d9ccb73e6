package io.gatehouse.apikey;

import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Checks;
import io.gatehouse.core.Redact;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens and admin tokens for one application: the {@linkplain #authenticator() authenticators}
 * for the pipeline and the {@link TokenManager} for the CLI and consoles, over one {@link
 * TokenStore} with a cache in front.
 *
 * <pre>{@code
 * ApiKeys keys = ApiKeys.builder(TokenStores.h2File(dataDir)).build();
 * Gatehouse gatehouse = Gatehouse.builder()
 *     .authenticator(keys.authenticator())        // x-apikey: ghk_...
 *     .authenticator(keys.adminAuthenticator())   // Authorization: Bearer gha_...
 *     .build();
 * CreatedToken created = keys.create(NewToken.apiToken("default").readOnly().name("ci").build());
 * System.out.println(created.token());            // shown once
 * }</pre>
 *
 * <p>{@link #close()} flushes last-used times, stops the background threads and closes the store.
 */
public final class ApiKeys implements TokenManager, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

  /** The shape of importable foreign tokens by default: 16 to 256 URL-safe or base64 characters. */
  public static final Pattern DEFAULT_IMPORT_SHAPE = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");

  /** The default header of API tokens. */
  public static final String DEFAULT_HEADER = "x-apikey";

  private final TokenStore store;
  private final Clock clock;
  private final Hasher hasher;
  private final @Nullable Pattern importShape;
  private final Duration retryAfter;
  private final String realm;
  private final AuthListener listener;
  private final TokenLookup lookup;
  private final LastUsedRecorder lastUsed;
  private final @Nullable ExecutorService ownedIoExecutor;
  private final ScheduledExecutorService maintenance;
  private final ChangeFeed.Subscription subscription;
  private final ChangeFeed.Subscription arrivals;
  private final ChangeFeed.Subscription revocationSubscription;
  private volatile boolean closed;

  private ApiKeys(Builder builder) {
    this.store = builder.store;
    this.clock = builder.clock;
    this.hasher = new Hasher(builder.pepper);
    this.importShape = builder.importShape;
    this.retryAfter = builder.retryAfter;
    this.realm = builder.realm;
    this.listener = AuthListener.safe(builder.listener);
    Executor io = builder.ioExecutor;
    if (io == null) {
      ownedIoExecutor =
          new ThreadPoolExecutor(
              builder.ioThreads,
              builder.ioThreads,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(builder.ioQueue),
              daemonThreads("gatehouse-apikey-io"),
              new ThreadPoolExecutor.AbortPolicy());
      io = ownedIoExecutor;
    } else {
      ownedIoExecutor = null;
    }
    this.lookup =
        new TokenLookup(
            store,
            new RevocationMemory(clock, builder.revocationMemorySize, builder.revocationMemoryTtl),
            listener,
            io,
            clock,
            builder.cacheSize,
            builder.positiveTtl,
            builder.negativeTtl,
            builder.refreshAfter,
            builder.lookupsPerAddress);
    this.lastUsed = new LastUsedRecorder(store, builder.lastUsedDebounce);
    this.subscription = store.changes().subscribe(TokenStore.TOKEN_TOPIC, lookup::onChange);
    this.revocationSubscription =
        store.changes().subscribe(TokenStore.REVOCATION_TOPIC, lookup::onRevocation);
    this.arrivals = store.changes().observeArrivals(this::arrived);
    this.maintenance =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("gatehouse-apikey-flush"));
    long flush = builder.lastUsedFlushInterval.toMillis();
    var unused =
        maintenance.scheduleWithFixedDelay(lastUsed::flush, flush, flush, TimeUnit.MILLISECONDS);
  }

  /** A builder over {@code store}; {@link ApiKeys#close()} closes the store too. */
  public static Builder builder(TokenStore store) {
    return new Builder(store);
  }

  // ---- authenticators ----

  /** Checks API tokens in the {@code x-apikey} header (id {@code apikey}). */
  public Authenticator authenticator() {
    return apiTokenAuthenticator().build();
  }

  /** Checks admin tokens sent as {@code Authorization: Bearer gha_...} (id {@code admintoken}). */
  public Authenticator adminAuthenticator() {
    return adminTokenAuthenticator().build();
  }

  /** A builder of an API-token authenticator; default header {@code x-apikey}, no query string. */
  public AuthenticatorBuilder apiTokenAuthenticator() {
    return new AuthenticatorBuilder(TokenKind.API).header(DEFAULT_HEADER);
  }

  /**
   * A builder of an admin-token authenticator; default {@code Authorization: Bearer}, where it
   * abstains on bearer tokens without the {@code gha_} prefix (JWTs), leaving them to others.
   */
  public AuthenticatorBuilder adminTokenAuthenticator() {
    return new AuthenticatorBuilder(TokenKind.ADMIN).bearer();
  }

  // ---- management ----

  @Override
  public CreatedToken create(NewToken spec) {
    Objects.requireNonNull(spec, "spec");
    Instant now = now();
    for (int attempt = 0; attempt < 3; attempt++) {
      String id = TokenCodec.newId();
      String token = TokenCodec.newToken(spec.kind(), id);
      TokenRecord record =
          newRecord(id, spec, hasher.hash(token), TokenCodec.mask(token), now, false);
      if (store.insert(record)) {
        lookup.invalidate(id);
        event("apikey.created", record, "token created");
        return new CreatedToken(token, record.info());
      }
    }
    throw new IllegalStateException("could not find a free token id in 3 attempts");
  }

  @Override
  public TokenInfo importToken(String token, NewToken spec) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(spec, "spec");
    String id;
    String masked;
    boolean foreign;
    switch (TokenCodec.check(token)) {
      case VALID -> {
        if (!token.startsWith(spec.kind().prefix())) {
          throw new IllegalArgumentException(
              "token " + Redact.secret(token) + " is not of kind " + spec.kind());
        }
        id = TokenCodec.idOf(token);
        masked = TokenCodec.mask(token);
        foreign = false;
      }
      case FOREIGN -> {
        if (importShape == null || !importShape.matcher(token).matches()) {
          throw new IllegalArgumentException(
              "token "
                  + Redact.secret(token)
                  + " cannot be imported: it must match "
                  + (importShape == null ? "(imports are disabled)" : importShape.pattern()));
        }
        id = TokenCodec.newId();
        masked = TokenCodec.maskForeign(token);
        foreign = true;
      }
      default ->
          throw new IllegalArgumentException(
              "token " + Redact.secret(token) + " is a malformed Gatehouse token");
    }
    TokenHash hash = hasher.hash(token);
    TokenRecord record = newRecord(id, spec, hash, masked, now(), foreign);
    if (!store.insert(record)) {
      throw new IllegalArgumentException(
          "token " + Redact.secret(token) + " (id " + id + ") is already stored");
    }
    lookup.invalidate(id);
    event("apikey.imported", record, "token imported");
    return record.info();
  }

  @Override
  public List<TokenInfo> list(String space) {
    List<TokenInfo> out = new ArrayList<>();
    for (TokenRecord record : store.list(space)) {
      out.add(record.info());
    }
    return out;
  }

  @Override
  public Optional<TokenInfo> find(String idOrToken) {
    return findRecord(idOrToken).map(TokenRecord::info);
  }

  @Override
  public Optional<TokenInfo> revoke(String idOrToken) {
    Optional<TokenRecord> found = findRecord(idOrToken);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    TokenRecord record = found.get();
    if (record.revokedAt() != null) {
      return Optional.of(record.info()); // revoking twice changes nothing
    }
    // A narrow write (the revocation time, only where there is none): a rotation or another
    // revocation running at the same time can neither undo it nor be undone by it.
    boolean revokedNow = store.revoke(record.id(), now());
    lookup.onRevocation(
        record); // remembered here at once (id and hash keys), whatever the feed does
    lookup.invalidate(record.id());
    Optional<TokenRecord> stored = store.findById(record.id()); // whoever revoked it, as stored
    if (revokedNow) {
      event("apikey.revoked", stored.orElse(record), "token revoked");
    }
    return stored.map(TokenRecord::info);
  }

  @Override
  public CreatedToken rotate(String id, Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace);
    }
    TokenRecord record =
        findRecord(id)
            .orElseThrow(() -> new NoSuchElementException("no token with id " + Redact.safe(id)));
    Instant now = now();
    if (record.revokedAt() != null) {
      throw new IllegalStateException("token " + record.id() + " is revoked; create a new one");
    }
    String token = TokenCodec.newToken(record.kind(), record.id());
    TokenRecord rotated =
        record.rotated(
            hasher.hash(token), TokenCodec.mask(token), grace.isZero() ? null : now.plus(grace));
    // Compare-and-set against the record read above: a revocation (or rotation) committed since
    // makes this write fail instead of being overwritten with the stale "not revoked".
    if (!store.replace(record, rotated)) {
      throw rotateConflict(record.id());
    }
    lookup.invalidate(record.id());
    event("apikey.rotated", rotated, "token rotated; old secret valid for " + grace);
    return new CreatedToken(token, rotated.info());
  }

  /** Why a rotation's compare-and-set failed; the new secret was never stored. */
  private RuntimeException rotateConflict(String id) {
    Optional<TokenRecord> current = store.findById(id);
    if (current.isEmpty()) {
      return new NoSuchElementException("token " + id + " was deleted meanwhile");
    }
    if (current.get().revokedAt() != null) {
      return new IllegalStateException(
          "token " + id + " was revoked while it was being rotated; create a new one");
    }
    return new IllegalStateException(
        "token " + id + " was changed while it was being rotated (another rotation?); try again");
  }

  // ---- lifecycle ----

  /** Writes pending last-used times now; returns how many tokens were written. */
  public int flushLastUsed() {
    return lastUsed.flush();
  }

  /** Store reads in flight for {@code client}'s counter (tests). */
  int lookupsInFlightForTests(java.net.InetAddress client) {
    return lookup.lookupsInFlight(client);
  }

  /** The store behind this instance (for its change feed, or tools). */
  public TokenStore store() {
    return store;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscription.close();
    revocationSubscription.close();
    arrivals.close();
    // No interrupts: an interrupted JDBC call can break the connection (H2 closes its file).
    maintenance.shutdown();
    awaitQuietly(maintenance);
    lastUsed.flush();
    if (ownedIoExecutor != null) {
      ownedIoExecutor.shutdown();
      awaitQuietly(ownedIoExecutor);
    }
    store.close();
  }

  // ---- helpers ----

  private Optional<TokenRecord> findRecord(String idOrToken) {
    Objects.requireNonNull(idOrToken, "idOrToken");
    String text = idOrToken.trim();
    TokenCodec.Shape shape = TokenCodec.check(text);
    if (shape == TokenCodec.Shape.VALID) {
      TokenHash hash = hasher.hash(text);
      return store
          .findById(TokenCodec.idOf(text))
          .filter(r -> r.hash().matches(hash) || hash.matches(r.previousHash()));
    }
    if (TokenCodec.isTokenId(text)) {
      return store.findById(text);
    }
    if (shape == TokenCodec.Shape.FOREIGN
        && importShape != null
        && importShape.matcher(text).matches()) {
      return store.findByHash(hasher.hash(text));
    }
    throw new IllegalArgumentException(
        "'" + Redact.secret(text) + "' is neither a token id nor a token");
  }

  private TokenRecord newRecord(
      String id, NewToken spec, TokenHash hash, String masked, Instant now, boolean imported) {
    Instant expires = spec.expiryFrom(now);
    return new TokenRecord(
        id,
        spec.space(),
        spec.kind(),
        hash,
        null,
        null,
        masked,
        spec.access(),
        spec.name(),
        spec.owner(),
        spec.permissions(),
        now,
        expires == null ? null : expires.truncatedTo(ChronoUnit.MILLIS),
        null,
        null,
        imported,
        spec.origins());
  }

  /** Stores keep milliseconds: so do we, so that what we return equals what we read back. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Tells the listener when a change from the shared store arrived, for the feed-lag metric. */
  private void arrived(ChangeFeed.Arrival arrival) {
    if (listener == AuthListener.NONE) {
      return;
    }
    listener.onEvent(
        new AuthEvent(
            "apikey.change_arrived",
            "",
            "a change arrived from the shared store",
            Map.of(
                "topic",
                arrival.topic(),
                "via",
                arrival.via(),
                "committedAt",
                arrival.committedAt().toString(),
                "lagMillis",
                Long.toString(arrival.lag().toMillis())),
            arrival.arrivedAt()));
  }

  private void event(String type, TokenRecord record, String message) {
    LOG.info("{}: {} {} in space {}", message, record.id(), record.maskedPrefix(), record.space());
    listener.onEvent(
        new AuthEvent(
            type,
            record.space(),
            message,
            Map.of(
                "id",
                record.id(),
                "prefix",
                record.maskedPrefix(),
                "kind",
                record.kind().name().toLowerCase(Locale.ROOT)),
            clock.instant()));
  }

  private static void awaitQuietly(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("background tasks still running after 10 s; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Configures {@link ApiKeys}; every setter validates at once. */
  public static final class Builder {
    private final TokenStore store;
    private byte @Nullable [] pepper;
    private Clock clock = Clock.systemUTC();
    private long cacheSize = 10_000;
    private Duration positiveTtl = Duration.ofHours(24);
    private Duration negativeTtl = Duration.ofSeconds(30);
    private Duration refreshAfter = Duration.ofMinutes(5);
    private Duration lastUsedDebounce = Duration.ofSeconds(30);
    private Duration lastUsedFlushInterval = Duration.ofSeconds(5);
    private @Nullable Executor ioExecutor;
    private int ioThreads = 2;
    private int ioQueue = 1024;
    private @Nullable Pattern importShape = DEFAULT_IMPORT_SHAPE;
    private Duration retryAfter = Duration.ofSeconds(5);
    private String realm = "api";
    private AuthListener listener = AuthListener.NONE;
    private int revocationMemorySize = 100_000;
    private Duration revocationMemoryTtl = Duration.ofHours(24);
    private int lookupsPerAddress = 4;

    private Builder(TokenStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Hash tokens with HMAC-SHA256 under this secret (at least 32 bytes) instead of SHA-256, so a
     * stolen database alone cannot confirm a guessed token. Keep it out of the database; changing
     * it invalidates every stored token.
     */
    public Builder pepper(byte[] pepper) {
      Objects.requireNonNull(pepper, "pepper");
      if (pepper.length < Hasher.MIN_PEPPER_BYTES) {
        throw new IllegalArgumentException(
            "the pepper must have at least "
                + Hasher.MIN_PEPPER_BYTES
                + " bytes, got "
                + pepper.length);
      }
      this.pepper = pepper.clone();
      return this;
    }

    /**
     * The clock for creation times, expiry and cache ages; default UTC system clock. Requests are
     * judged at their own decision time ({@code AuthContext.now()}), from the pipeline's clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Most tokens (and unknown ids) cached; default 10 000. */
    public Builder cacheSize(long size) {
      if (size < 1) {
        throw new IllegalArgumentException("cacheSize must be positive, was " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /**
     * How long an unknown id stays cached as unknown; default 30 s. A token created elsewhere
     * clears it through the change feed sooner.
     */
    public Builder negativeCacheTtl(Duration ttl) {
      this.negativeTtl = Checks.positive(ttl, "negativeCacheTtl");
      return this;
    }

    /**
     * How long a known token stays cached at most (also through a database outage); default 24 h.
     */
    public Builder cacheTtl(Duration ttl) {
      this.positiveTtl = Checks.positive(ttl, "cacheTtl");
      return this;
    }

    /**
     * How many learned revocations are remembered (default 100 000), and for how long after each
     * was learned (default 24 h, the longest store outage to ride out). An instance learns a
     * revocation on the change feed or by reading a revoked token; while the store is down, such a
     * token is refused as {@code revoked} (401) instead of {@code unavailable} (503), after its
     * cache entry is gone. Beyond {@code maxEntries} the oldest are forgotten first.
     *
     * <p>The feed's revocation event names the token id only (never a hash: any database role may
     * listen to PostgreSQL notifications). A Gatehouse token carries its id, so it is always
     * matched. An imported (foreign) token is matched by its hash, which an instance learns from
     * its cache or, when it never cached the token, by reading the revoked record in the background
     * when the revocation arrives. If that read fails (the store went down right after the
     * revocation) or the I/O queue is full, such an uncached imported token gets {@code
     * unavailable} (503), not {@code revoked}, until the store answers again.
     */
    public Builder revocationMemory(int maxEntries, Duration keepFor) {
      if (maxEntries < 1) {
        throw new IllegalArgumentException(
            "revocationMemory maxEntries must be positive, was " + maxEntries);
      }
      this.revocationMemoryTtl = Checks.positive(keepFor, "revocationMemory keepFor");
      this.revocationMemorySize = maxEntries;
      return this;
    }

    /** After how long a cached entry is re-read in the background; default 5 min. */
    public Builder cacheRefreshAfter(Duration refresh) {
      this.refreshAfter = Checks.positive(refresh, "cacheRefreshAfter");
      return this;
    }

    /** At most one last-used write per token per this interval; default 30 s. */
    public Builder lastUsedDebounce(Duration debounce) {
      this.lastUsedDebounce = Checks.positive(debounce, "lastUsedDebounce");
      return this;
    }

    /** How often pending last-used times are written; default 5 s. */
    public Builder lastUsedFlushInterval(Duration interval) {
      this.lastUsedFlushInterval = Checks.positive(interval, "lastUsedFlushInterval");
      return this;
    }

    /**
     * Where store lookups run on a cache miss; default a pool of {@link #ioThreads} daemon threads
     * with a bounded queue (a full queue answers 503, protecting the database).
     */
    public Builder ioExecutor(Executor executor) {
      this.ioExecutor = Objects.requireNonNull(executor, "ioExecutor");
      return this;
    }

    /**
     * How many store reads (cache misses) one client address may have in flight at once; default 4,
     * 1 to 1024. Beyond it a request is refused with {@code THROTTLED} (429, {@code Retry-After:
     * 1}) without reading the store, so one address flooding random well-formed tokens cannot fill
     * the I/O pool and its queue for every other client. IPv6 clients are counted per /64. Together
     * with the pipeline's credential throttle (which stops an address after its failure budget),
     * this bounds the store reads one address can cause.
     */
    public Builder storeLookupsPerAddress(int lookups) {
      if (lookups < 1 || lookups > 1024) {
        throw new IllegalArgumentException(
            "storeLookupsPerAddress must be in [1, 1024], was " + lookups);
      }
      this.lookupsPerAddress = lookups;
      return this;
    }

    /** Threads and queue length of the default I/O executor; default 2 and 1024. */
    public Builder ioThreads(int threads, int queue) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("ioThreads must be in [1, 64], was " + threads);
      }
      if (queue < 1) {
        throw new IllegalArgumentException("the I/O queue must be positive, was " + queue);
      }
      this.ioThreads = threads;
      this.ioQueue = queue;
      return this;
    }

    /**
     * Which foreign tokens may be imported and are looked up by hash; default {@link
     * #DEFAULT_IMPORT_SHAPE}.
     */
    public Builder importShape(Pattern shape) {
      this.importShape = Objects.requireNonNull(shape, "importShape");
      return this;
    }

    /** Accept only Gatehouse tokens: anything else is refused as malformed, with no lookup. */
    public Builder noImportedTokens() {
      this.importShape = null;
      return this;
    }

    /** The {@code Retry-After} of a 503 when the store is down; default 5 s. */
    public Builder retryAfter(Duration retryAfter) {
      this.retryAfter = Checks.positive(retryAfter, "retryAfter");
      return this;
    }

    /** The realm in the authenticators' challenges; default {@code api}. */
    public Builder realm(String realm) {
      Objects.requireNonNull(realm, "realm");
      if (realm.isBlank()) {
        throw new IllegalArgumentException("realm must not be blank");
      }
      this.realm = realm;
      return this;
    }

    /** Receives {@code apikey.created/imported/revoked/rotated} events. */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public ApiKeys build() {
      return new ApiKeys(this);
    }
  }

  /** Configures one token authenticator. */
  public final class AuthenticatorBuilder {
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final TokenKind kind;
    private String id;
    private @Nullable String header;
    private boolean bearer;
    private @Nullable String queryParameter;

    private AuthenticatorBuilder(TokenKind kind) {
      this.kind = kind;
      this.id = kind.method();
    }

    /**
     * The authenticator id, also the identity's method; default {@code apikey} / {@code
     * admintoken}.
     */
    public AuthenticatorBuilder id(String id) {
      Objects.requireNonNull(id, "id");
      if (!HEADER_NAME.matcher(id).matches()) {
        throw new IllegalArgumentException("invalid authenticator id '" + Redact.safe(id) + "'");
      }
      this.id = id;
      return this;
    }

    /**
     * Read the token from this header (replacing {@code Authorization: Bearer}). A header other
     * than {@code x-apikey} must also be given to {@code Gatehouse.Builder.secretHeader}.
     */
    public AuthenticatorBuilder header(String name) {
      Objects.requireNonNull(name, "header");
      if (!HEADER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid header name '" + Redact.safe(name) + "'");
      }
      this.header = name.toLowerCase(Locale.ROOT);
      this.bearer = false;
      return this;
    }

    /** Read the token from {@code Authorization: Bearer <token>} (replacing any header). */
    public AuthenticatorBuilder bearer() {
      this.bearer = true;
      this.header = null;
      return this;
    }

    /**
     * Also accept the token in query parameter {@code name}. Off by default: URLs end up in logs,
     * histories and referrers.
     */
    public AuthenticatorBuilder queryParameter(String name) {
      Objects.requireNonNull(name, "queryParameter");
      if (name.isEmpty() || !HEADER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "invalid query parameter name '" + Redact.safe(name) + "'");
      }
      this.queryParameter = name;
      return this;
    }

    public Authenticator build() {
      return new TokenAuthenticator(
          id,
          kind,
          header,
          bearer,
          queryParameter,
          importShape,
          realm,
          lookup,
          hasher,
          lastUsed,
          retryAfter);
    }
  }
}
