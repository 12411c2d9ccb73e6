package io.gatehouse.micrometer;

import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Step;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Gatehouse's meters: a {@link MeterBinder} to bind to any number of registries, and the {@link
 * AuthListener} that feeds them. Register it on the pipeline and on the modules whose events it
 * counts (the API-token store, the JWT authenticator), or once on {@code ManagedGatehouse}, which
 * passes it everywhere.
 *
 * <pre>{@code
 * GatehouseMetrics metrics = GatehouseMetrics.builder().build();
 * metrics.bindTo(registry);
 * Gatehouse gatehouse = Gatehouse.builder()...listener(metrics).build();
 * }</pre>
 *
 * <p>Meters (docs/OBSERVABILITY.md has them all with PromQL): {@code gatehouse.decisions}, {@code
 * gatehouse.decision.duration}, {@code gatehouse.stage}, {@code gatehouse.jwks.fetches}, {@code
 * gatehouse.cache}, {@code gatehouse.store.reads}, {@code gatehouse.feed.lag} and {@code
 * gatehouse.events}. Series appear when first used. Tags are bounded (see the package docs).
 */
public final class GatehouseMetrics implements MeterBinder, AuthListener {
  /** The {@code space} value of a request in a space the pipeline does not serve. */
  public static final String UNKNOWN_SPACE = "unknown";

  /** The {@code space} value of a refusal before the space was resolved. */
  public static final String NO_SPACE = "none";

  /**
   * The {@code authenticator} value when no authenticator decided (refused before, or all
   * abstained).
   */
  public static final String NO_AUTHENTICATOR = "none";

  private static final int MAX_STAGE_NAMES = 256;

  private final Predicate<String> knownSpaces;
  private final Bounded spaces;
  private final Bounded stages = new Bounded(64);
  private final Bounded hosts = new Bounded(64);
  private final Bounded topics = new Bounded(32);
  private final Bounded eventTypes = new Bounded(64);
  private final boolean histogram;
  private final Map<Series.Key, Series> series = new ConcurrentHashMap<>();
  private final Map<String, StageSeries> stageSeries = new ConcurrentHashMap<>();
  private final StageSeries otherStage = new StageSeries(Bounded.OTHER);
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private volatile DurationTimers durations = DurationTimers.NONE;
  private final Series allowedDuration;
  private final Series refusedDuration;

  private GatehouseMetrics(Builder builder) {
    this.knownSpaces = builder.knownSpaces;
    this.spaces = new Bounded(builder.maxSpaces);
    this.histogram = builder.histogram;
    // With the histogram, the full timers registered at bind take this name instead.
    this.allowedDuration = unregisteredOr(histogram, Series.Meter.DECISION_DURATION.key("allowed"));
    this.refusedDuration = unregisteredOr(histogram, Series.Meter.DECISION_DURATION.key("refused"));
  }

  private Series unregisteredOr(boolean unregistered, Series.Key key) {
    return unregistered ? new Series(key) : series(key);
  }

  /** A new builder; the defaults suit most deployments. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (registries.contains(registry)) {
      return;
    }
    registries.add(registry);
    series.values().forEach(s -> s.registerIn(registry));
    if (histogram) {
      durations = durations.and(DurationTimers.in(registry));
    }
  }

  // ---- decisions ----

  @Override
  public void onDecision(AuthRequest request, Decision decision) {
    String authenticator = NO_AUTHENTICATOR;
    long total = 0;
    for (Step step : decision.trace()) {
      Step.Result result = step.result();
      if (result == Step.Result.SKIPPED) {
        continue;
      }
      long nanos = step.nanos();
      total += nanos;
      StageSeries stage = stage(step.stage());
      String id = stage.authenticatorId;
      if (id != null && (result == Step.Result.SUCCESS || result == Step.Result.FAILURE)) {
        authenticator = id;
      }
      stage.series(result).record(nanos);
    }
    series(decisionKey(decision.code(), authenticator, space(decision), decision.status()))
        .increment();
    if (histogram) {
      durations.record(decision.allowed(), total);
    } else {
      (decision.allowed() ? allowedDuration : refusedDuration).record(total);
    }
  }

  /**
   * The series of one stage. The pipeline names its stages once, so a decision's steps hit this map
   * with the same strings every time: one lookup per step, no key to build.
   */
  private StageSeries stage(String stage) {
    StageSeries found = stageSeries.get(stage);
    if (found != null) {
      return found;
    }
    if (stageSeries.size() >= MAX_STAGE_NAMES) { // a hostile or huge pipeline: stop remembering
      return otherStage;
    }
    return stageSeries.computeIfAbsent(stage, s -> new StageSeries(stages.admit(s)));
  }

  /** A stage's tag and its series per result, made when first needed. */
  private final class StageSeries {
    final String tag;
    final @Nullable String authenticatorId;
    private final AtomicReferenceArray<Series> byResult =
        new AtomicReferenceArray<>(Step.Result.values().length);

    StageSeries(String tag) {
      this.tag = tag;
      this.authenticatorId = Step.authenticatorId(tag);
    }

    @SuppressWarnings("EnumOrdinal") // a dense index into this stage's own array
    Series series(Step.Result result) {
      Series found = byResult.get(result.ordinal());
      if (found == null) {
        found =
            GatehouseMetrics.this.series(
                Series.Meter.STAGE.key(tag, result.name().toLowerCase(java.util.Locale.ROOT)));
        byResult.set(result.ordinal(), found);
      }
      return found;
    }
  }

  /** The space tag: only spaces the pipeline served, and no more than the cap. */
  private String space(Decision decision) {
    String space = decision.space();
    if (decision.reason() == Reason.UNKNOWN_SPACE) {
      return UNKNOWN_SPACE;
    }
    if (space.isEmpty()) {
      return NO_SPACE;
    }
    if (!knownSpaces.test(space)) {
      return UNKNOWN_SPACE;
    }
    return spaces.admit(space);
  }

  // ---- module events ----

  @Override
  public void onEvent(AuthEvent event) {
    String type = event.type();
    Map<String, String> attributes = event.attributes();
    switch (type) {
      case "jwks.fetch" ->
          jwksFetch(attributes, "304".equals(attributes.get("status")) ? "revalidated" : "ok");
      case "jwks.fetch_failed" -> jwksFetch(attributes, "failed");
      case "jwt.cache_hit" -> series(Series.Meter.CACHE.key("jwt", "hit")).increment();
      case "jwt.cache_miss" -> series(Series.Meter.CACHE.key("jwt", "miss")).increment();
      case "apikey.cache_hit" -> series(Series.Meter.CACHE.key("apikey", "hit")).increment();
      case "apikey.cache_miss" -> {
        series(Series.Meter.CACHE.key("apikey", "miss")).increment();
        String result = "true".equals(attributes.get("found")) ? "found" : "absent";
        series(Series.Meter.STORE_READS.key(result))
            .record(millisToNanos(attributes.get("millis")));
      }
      case "apikey.store_failed" ->
          series(Series.Meter.STORE_READS.key("failed"))
              .record(millisToNanos(attributes.get("millis")));
      case "apikey.change_arrived" ->
          series(
                  Series.Meter.FEED_LAG.key(
                      topics.admit(attributes.getOrDefault("topic", Bounded.OTHER)),
                      via(attributes.get("via"))))
              .record(millisToNanos(attributes.get("lagMillis")));
      default -> {
        // counted below like every event
      }
    }
    series(Series.Meter.EVENTS.key(eventTypes.admit(type))).increment();
  }

  private void jwksFetch(Map<String, String> attributes, String result) {
    series(Series.Meter.JWKS_FETCHES.key(hosts.admit(host(attributes.get("url"))), result))
        .record(millisToNanos(attributes.get("millis")));
  }

  /** The host of a configured JWKS URL; never a path or query, which may carry a secret. */
  private static String host(@Nullable String url) {
    if (url == null) {
      return Bounded.OTHER;
    }
    try {
      String host = URI.create(url).getHost();
      return host == null ? Bounded.OTHER : host;
    } catch (IllegalArgumentException e) {
      return Bounded.OTHER;
    }
  }

  private static String via(@Nullable String via) {
    return via != null && Set.of("notify", "poll", "local").contains(via) ? via : Bounded.OTHER;
  }

  private static long millisToNanos(@Nullable String millis) {
    if (millis == null) {
      return 0;
    }
    try {
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, Long.parseLong(millis)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---- series ----

  private Series series(Series.Key key) {
    Series found = series.get(key);
    return found != null ? found : create(key);
  }

  private synchronized Series create(Series.Key key) {
    Series found = series.get(key);
    if (found != null) {
      return found;
    }
    Series created = new Series(key);
    for (MeterRegistry registry : registries) {
      created.registerIn(registry);
    }
    series.put(key, created);
    return created;
  }

  /** The series of one decision: the outcome derives from the reason code. */
  private static Series.Key decisionKey(
      String code, String authenticator, String space, int status) {
    return Series.Meter.DECISIONS.key(
        code.equals("allowed") ? "allowed" : "refused",
        code,
        authenticator,
        space,
        Integer.toString(status));
  }

  /** The decision-time timers (with a histogram), one pair per bound registry. */
  private static final class DurationTimers {
    static final DurationTimers NONE = new DurationTimers(new Timer[0], new Timer[0]);

    private final Timer[] allowed;
    private final Timer[] refused;

    DurationTimers(Timer[] allowed, Timer[] refused) {
      this.allowed = allowed;
      this.refused = refused;
    }

    static DurationTimers in(MeterRegistry registry) {
      return new DurationTimers(
          new Timer[] {timer(registry, "allowed")}, new Timer[] {timer(registry, "refused")});
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
      return Timer.builder(Series.Meter.DECISION_DURATION.meterName)
          .description(Series.Meter.DECISION_DURATION.description)
          .tag("outcome", outcome)
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofNanos(1_000))
          .maximumExpectedValue(Duration.ofSeconds(10))
          .register(registry);
    }

    DurationTimers and(DurationTimers more) {
      return new DurationTimers(concat(allowed, more.allowed), concat(refused, more.refused));
    }

    private static Timer[] concat(Timer[] a, Timer[] b) {
      Timer[] all = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }

    void record(boolean wasAllowed, long nanos) {
      for (Timer timer : wasAllowed ? allowed : refused) {
        timer.record(nanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Builds {@link GatehouseMetrics}. */
  public static final class Builder {
    private Predicate<String> knownSpaces = space -> true;
    private int maxSpaces = 100;
    private boolean histogram;

    private Builder() {}

    /**
     * The spaces that get their own {@code space} value (default: every space the pipeline
     * accepted, up to {@link #maxSpaces}); the others count as {@value #UNKNOWN_SPACE}.
     */
    public Builder knownSpaces(Predicate<String> known) {
      this.knownSpaces = Objects.requireNonNull(known, "knownSpaces");
      return this;
    }

    /**
     * At most this many distinct {@code space} values (default 100); later spaces count as {@code
     * other}.
     */
    public Builder maxSpaces(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxSpaces must be within 1..10000, not " + max);
      }
      this.maxSpaces = max;
      return this;
    }

    /**
     * Whether {@code gatehouse.decision.duration} is a full timer with a percentile histogram, as
     * {@code histogram_quantile} (p99) needs: about 60 buckets per outcome, and roughly twice the
     * listener's cost per decision (see docs/OBSERVABILITY.md). Default false: a count and a sum,
     * for the mean.
     */
    public Builder percentileHistogram(boolean enabled) {
      this.histogram = enabled;
      return this;
    }

    public GatehouseMetrics build() {
      return new GatehouseMetrics(this);
    }
  }
}
