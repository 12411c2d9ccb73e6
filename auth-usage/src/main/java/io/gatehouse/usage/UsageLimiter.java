package io.gatehouse.usage;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Identity;
import io.gatehouse.core.RateLimitState;
import io.gatehouse.core.Reason;
import io.gatehouse.core.UsageGate;
import io.gatehouse.core.UsageVerdict;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UsageGate} of per-token limits: the rate limits ({@code 100/1m}, several at once) as
 * token buckets, then the credits ({@code uses}, with refill) as one conditional update in the
 * store. A token over a limit gets 429 {@code rate_limited} (Retry-After: until the bucket has a
 * token again) or 429 {@code usage_exceeded} (Retry-After: until the next refill); the refusal and
 * the {@code RateLimit} headers name the limit ({@code 100-per-1m}, {@code uses}), never the token.
 * An allowed request carries the state of its tightest limit (the fewest units left).
 *
 * <p>Where the buckets live: in memory, per instance, unless {@link Builder#sharedBuckets} names a
 * PostgreSQL database, where Bucket4j keeps them for every instance (so N instances together allow
 * the configured total). While that database is unreachable each instance falls back to its own
 * buckets (it retries every {@value #OUTAGE_RETRY_SECONDS} s): limits still apply, per instance,
 * never not at all. Credits have no such fallback, since a per-instance count would spend more than
 * was granted: a token with credits is refused with 503 while the store is unreachable.
 *
 * <p>Only a request that needs the store (shared buckets, credits) leaves the calling thread: it
 * runs on the limiter's executor and the pipeline resumes when it completes; local buckets answer
 * in place.
 */
public final class UsageLimiter implements UsageGate, AutoCloseable {
  /**
   * How long after a store failure the limiter uses local buckets before trying the store again.
   */
  static final int OUTAGE_RETRY_SECONDS = 5;

  /**
   * The Retry-After of used-up credits that never refill: nothing changes until an operator acts.
   */
  static final Duration NO_REFILL_RETRY = Duration.ofDays(1);

  /** The policy name of credits in the RateLimit headers. */
  public static final String USES_POLICY = "uses";

  private static final Logger LOG = LoggerFactory.getLogger(UsageLimiter.class);
  private static final CompletionStage<UsageVerdict> ADMIT =
      CompletableFuture.completedFuture(UsageVerdict.admit());

  private final LimitSource source;
  private final Predicate<Identity> governs;
  private final Clock clock;
  private final LocalBuckets local;
  private final @Nullable SharedBuckets shared;
  private final @Nullable CreditLedger credits;
  private final @Nullable PooledConnections pool;
  private final ExecutorService executor;
  private volatile long storeDownUntil;

  private UsageLimiter(Builder builder) {
    this.source = builder.source;
    this.governs = builder.governs;
    this.clock = builder.clock;
    TimeMeter meter = builder.systemClock ? TimeMeter.SYSTEM_NANOTIME : clockMeter(clock);
    this.local = new LocalBuckets(meter);
    this.pool = builder.pool();
    DataSource store = pool != null ? pool : builder.dataSource;
    this.credits = store == null ? null : new JdbcCreditLedger(store, clock);
    this.shared =
        store != null && builder.shareBuckets
            ? new SharedBuckets(proxyManager(store, builder.systemClock ? null : clockMeter(clock)))
            : null;
    this.executor = builder.executor();
  }

  /** A limiter reading the limits from {@code source}. */
  public static Builder builder(LimitSource source) {
    return new Builder(source);
  }

  @Override
  public CompletionStage<UsageVerdict> check(AuthContext context, Identity identity) {
    String tokenId = identity.credentialId();
    if (tokenId == null || !governs.test(identity)) {
      return ADMIT;
    }
    LimitSource.Active active = source.limitsFor(identity.space(), tokenId);
    if (active == null || active.limits().isNone()) {
      return ADMIT;
    }
    boolean storeNeeded =
        active.limits().uses() != null || (shared != null && !active.limits().rates().isEmpty());
    if (!storeNeeded) {
      return CompletableFuture.completedFuture(
          local.consume(identity.space(), tokenId, active).verdict());
    }
    if (storeDown() && active.limits().uses() == null) {
      return CompletableFuture.completedFuture(
          local.consume(identity.space(), tokenId, active).verdict());
    }
    try {
      return CompletableFuture.supplyAsync(
          () -> checkWithStore(identity.space(), tokenId, active), executor);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          UsageVerdict.refuse(
              AuthOutcome.unavailable(
                  "the usage limits are overloaded", Duration.ofSeconds(1), e)));
    }
  }

  /** Rate limits (shared, else local), then credits; on the executor. */
  private UsageVerdict checkWithStore(String space, String tokenId, LimitSource.Active active) {
    RateCheck rates = rates(space, tokenId, active);
    if (!rates.admitted()) {
      return rates.verdict();
    }
    CreditLedger ledger = credits;
    if (active.limits().uses() == null) {
      return rates.verdict();
    }
    if (ledger == null || storeDown()) {
      return creditsUnavailable(null);
    }
    CreditLedger.Spend spend;
    try {
      spend = ledger.spend(space, tokenId, active);
    } catch (SQLException | RuntimeException e) {
      storeFailed(e);
      return creditsUnavailable(e);
    }
    RateLimitState state = creditState(active.limits(), spend);
    if (!spend.spent()) {
      return UsageVerdict.refuse(
          AuthOutcome.throttled(
              Reason.USAGE_EXCEEDED,
              "the token has used all its credits (limit '"
                  + USES_POLICY
                  + "')"
                  + (spend.nextRefill() == null
                      ? ""
                      : "; they refill in " + seconds(state.reset())),
              state.reset(),
              state));
    }
    RateLimitState tightest = rates.state();
    return UsageVerdict.admit(
        tightest == null || state.remaining() < tightest.remaining() ? state : tightest);
  }

  private RateCheck rates(String space, String tokenId, LimitSource.Active active) {
    SharedBuckets buckets = shared;
    if (buckets == null || active.limits().rates().isEmpty() || storeDown()) {
      return local.consume(space, tokenId, active);
    }
    try {
      return buckets.consume(space, tokenId, active);
    } catch (RuntimeException e) {
      storeFailed(e);
      return local.consume(space, tokenId, active);
    }
  }

  private static RateLimitState creditState(UsageLimits limits, CreditLedger.Spend spend) {
    Refill refill = limits.refill();
    // Credits that never refill: t=0 on an allowed response (nothing to wait for), and a day's
    // Retry-After once used up (nothing changes until an operator acts).
    Duration next = spend.nextRefill();
    Duration reset = next != null ? next : spend.spent() ? Duration.ZERO : NO_REFILL_RETRY;
    long quota = Objects.requireNonNull(limits.uses());
    if (refill != null) {
      quota = Math.max(quota, refill.amount());
    }
    return new RateLimitState(
        USES_POLICY,
        quota,
        refill == null ? null : refill.period(),
        Math.min(spend.remaining(), quota),
        reset);
  }

  private static UsageVerdict creditsUnavailable(@Nullable Throwable cause) {
    return UsageVerdict.refuse(
        AuthOutcome.unavailable(
            "the credits of this token cannot be checked: the store is unreachable",
            Duration.ofSeconds(OUTAGE_RETRY_SECONDS),
            cause));
  }

  private boolean storeDown() {
    return clock.millis() < storeDownUntil;
  }

  private void storeFailed(Throwable e) {
    boolean first = !storeDown();
    storeDownUntil = clock.millis() + TimeUnit.SECONDS.toMillis(OUTAGE_RETRY_SECONDS);
    PooledConnections connections = pool;
    if (connections != null) {
      connections.evictIdle();
    }
    if (first) {
      LOG.warn(
          "usage limits: the store is unreachable ({}); rate limits apply per instance and tokens"
              + " with credits are refused until it is back",
          e.toString());
    }
  }

  static String seconds(Duration duration) {
    return io.gatehouse.core.RateLimitState.ceilSeconds(duration) + " s";
  }

  private static ProxyManager<String> proxyManager(DataSource store, @Nullable TimeMeter meter) {
    var builder =
        Bucket4jPostgreSQL.selectForUpdateBasedBuilder(store)
            .primaryKeyMapper(PrimaryKeyMapper.STRING)
            .table(UsageSchema.BUCKETS_TABLE)
            .idColumn("id")
            .stateColumn("state")
            .expiresAtColumn("expires_at")
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofMinutes(1)));
    if (meter != null) {
      builder.clientClock(meter);
    }
    return builder.build();
  }

  /** Bucket4j time from {@code clock} (tests advance it). */
  static TimeMeter clockMeter(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  /** Stops the executor and closes the pooled connections. */
  @Override
  public void close() {
    executor.shutdownNow();
    PooledConnections connections = pool;
    if (connections != null) {
      connections.close();
    }
  }

  /**
   * The outcome of the rate limits.
   *
   * @param refusal the refusal, or null when every limit had a unit left
   * @param state the refusing limit's state, or the tightest one's; null without rate limits
   */
  record RateCheck(AuthOutcome.@Nullable Failure refusal, @Nullable RateLimitState state) {
    boolean admitted() {
      return refusal == null;
    }

    UsageVerdict verdict() {
      AuthOutcome.Failure failure = refusal;
      if (failure != null) {
        return UsageVerdict.refuse(failure);
      }
      return state == null ? UsageVerdict.admit() : UsageVerdict.admit(state);
    }

    static RateCheck refused(RateLimit limit, long nanosToRefill) {
      Duration wait = Duration.ofNanos(Math.max(0, nanosToRefill));
      RateLimitState state =
          new RateLimitState(limit.policy(), limit.quota(), limit.window(), 0, wait);
      return new RateCheck(
          AuthOutcome.throttled(
              Reason.RATE_LIMITED,
              "the token's rate limit '"
                  + limit.policy()
                  + "' is reached; retry in "
                  + seconds(wait),
              wait,
              state),
          state);
    }
  }

  /** Builds a {@link UsageLimiter}. */
  public static final class Builder {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final LimitSource source;
    private Predicate<Identity> governs = identity -> true;
    private Clock clock = Clock.systemUTC();
    private boolean systemClock = true;
    private @Nullable DataSource dataSource;
    // A URL's pool is made at build, so its size follows threads(...) whenever that is called.
    private @Nullable String jdbcUrl;
    private @Nullable Properties properties;
    private boolean shareBuckets;
    private int threads = 4;

    private Builder(LimitSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** Which identities have limits (e.g. API and admin tokens only); default: every one. */
    public Builder governs(Predicate<Identity> which) {
      this.governs = Objects.requireNonNull(which, "governs");
      return this;
    }

    /** The clock of the buckets and refills (tests); default the system's. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.systemClock = false;
      return this;
    }

    /**
     * The store of credits ({@value UsageSchema#CREDITS_TABLE}, which must exist): an H2 or
     * PostgreSQL URL, opened with {@code properties} (user, password, timeouts). Without it a token
     * with credits is refused with 503 (no store to count them in).
     */
    public Builder store(String jdbcUrl, Properties properties) {
      this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      this.properties = Objects.requireNonNull(properties, "properties");
      this.dataSource = null;
      return this;
    }

    /** As {@link #store(String, Properties)}, from the app's own pooling {@link DataSource}. */
    public Builder store(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.jdbcUrl = null;
      this.properties = null;
      return this;
    }

    /**
     * Keep the rate-limit buckets in the store (PostgreSQL only; table {@value
     * UsageSchema#BUCKETS_TABLE}), shared by every instance; default false (local buckets).
     */
    public Builder sharedBuckets(boolean share) {
      this.shareBuckets = share;
      return this;
    }

    /** Threads of the executor the store-bound checks run on (default 4). */
    public Builder threads(int count) {
      if (count < 1 || count > 64) {
        throw new IllegalArgumentException("threads must be 1 to 64, was " + count);
      }
      this.threads = count;
      return this;
    }

    /** The pool of {@link #store(String, Properties)}: one idle connection per thread, and one. */
    private @Nullable PooledConnections pool() {
      String url = jdbcUrl;
      Properties props = properties;
      return url == null || props == null ? null : new PooledConnections(url, props, threads + 1);
    }

    private ExecutorService executor() {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(4096),
              runnable -> {
                Thread thread =
                    new Thread(runnable, "gatehouse-usage-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }

    public UsageLimiter build() {
      if (shareBuckets && dataSource == null && jdbcUrl == null) {
        throw new IllegalStateException("sharedBuckets(true) needs a store(...)");
      }
      return new UsageLimiter(this);
    }
  }

  /** For tests: how many idle connections the pool of a store URL keeps (0 without one). */
  int pooledConnectionsKept() {
    PooledConnections connections = pool;
    return connections == null ? 0 : connections.maxIdle();
  }

  /** For tests: whether the limiter is using local buckets because the store failed. */
  boolean isStoreDown() {
    return storeDown();
  }
}
