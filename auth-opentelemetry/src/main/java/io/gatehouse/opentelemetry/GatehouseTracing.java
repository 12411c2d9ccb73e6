package io.gatehouse.opentelemetry;

import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Step;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Turns every decision into a span tree: {@code gatehouse.decide} with one child per stage.
 *
 * <pre>{@code
 * Gatehouse gatehouse = Gatehouse.builder()...
 *     .listener(GatehouseTracing.builder(openTelemetry).build())
 *     .build();
 * }</pre>
 *
 * <p>The parent is the request's W3C {@code traceparent} (read with the OpenTelemetry instance's
 * propagators through {@link AuthRequest#headers}), so the servlet filter and the Netty handler
 * both continue the caller's trace; without one, the span that is current on the deciding thread.
 * The decision is known only once it is complete, so the spans are recorded afterwards with
 * explicit timestamps: the parent ends when the listener is called and starts the sum of the stage
 * times before; each stage's span starts where the previous one ended.
 */
public final class GatehouseTracing implements AuthListener {
  /** The name of the decision's span. */
  public static final String DECIDE = "gatehouse.decide";

  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("gatehouse.outcome");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("gatehouse.reason");
  static final AttributeKey<String> AUTHENTICATOR =
      AttributeKey.stringKey("gatehouse.authenticator");
  static final AttributeKey<String> SPACE = AttributeKey.stringKey("gatehouse.space");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("gatehouse.status");
  static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("enduser.id");
  static final AttributeKey<String> STAGE = AttributeKey.stringKey("gatehouse.stage");
  static final AttributeKey<String> RESULT = AttributeKey.stringKey("gatehouse.stage.result");
  static final AttributeKey<String> DETAIL = AttributeKey.stringKey("gatehouse.stage.detail");

  private static final java.util.Map<Step.Result, String> RESULTS = results();

  private final @Nullable OpenTelemetry explicit;
  private final boolean recordSubject;
  private final Clock clock;

  /** The tracer and propagator in use; null while the global instance is not set yet. */
  private volatile @Nullable Target target;

  /** What spans go to. The API's no-op tracer is a singleton: then a decision costs one test. */
  private record Target(Tracer tracer, TextMapPropagator propagator, boolean noop) {
    static Target of(OpenTelemetry openTelemetry) {
      Tracer tracer = openTelemetry.getTracer("io.gatehouse");
      return new Target(
          tracer,
          openTelemetry.getPropagators().getTextMapPropagator(),
          tracer == TracerProvider.noop().get("io.gatehouse"));
    }
  }

  private GatehouseTracing(Builder builder) {
    this.explicit = builder.openTelemetry;
    this.target = explicit == null ? null : Target.of(explicit);
    this.recordSubject = builder.recordSubject;
    this.clock = builder.clock;
  }

  /** Spans through {@code openTelemetry} (its tracer and propagators). */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Spans through {@link GlobalOpenTelemetry}, looked up at each decision until an SDK or agent has
   * set it, then kept: a listener built before the app installs its SDK still traces once it has.
   * Until then nothing is recorded, and the lookup never sets the global instance itself (so the
   * app's later {@link GlobalOpenTelemetry#set} still works).
   */
  public static Builder builder() {
    return new Builder(null);
  }

  /** The target, resolving the global instance once it is set; null while it is not. */
  private @Nullable Target target() {
    Target known = target;
    if (known == null && explicit == null && GlobalOpenTelemetry.isSet()) {
      known = Target.of(GlobalOpenTelemetry.get());
      target = known;
    }
    return known;
  }

  @Override
  public void onDecision(AuthRequest request, Decision decision) {
    Target to = target();
    if (to == null || to.noop()) {
      return;
    }
    Tracer tracer = to.tracer();
    Context parent = to.propagator().extract(Context.current(), request, Headers.INSTANCE);
    List<Step> trace = decision.trace();
    long total = 0;
    for (Step step : trace) {
      total += Math.max(0, step.nanos());
    }
    long end = epochNanos();
    long start = end - total;
    Span span =
        tracer
            .spanBuilder(DECIDE)
            .setParent(parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
            .startSpan();
    if (!span.isRecording()) { // no SDK, or not sampled: nothing more to pay for
      span.end(end, TimeUnit.NANOSECONDS);
      return;
    }
    describe(span, decision);
    Context inside = parent.with(span);
    long at = start;
    for (Step step : trace) {
      long next = at + Math.max(0, step.nanos());
      Span stage =
          tracer
              .spanBuilder(step.stage())
              .setParent(inside)
              .setSpanKind(SpanKind.INTERNAL)
              .setStartTimestamp(at, TimeUnit.NANOSECONDS)
              .setAttribute(STAGE, step.stage())
              .setAttribute(RESULT, RESULTS.get(step.result()))
              .startSpan();
      if (!step.detail().isEmpty()) {
        stage.setAttribute(DETAIL, step.detail());
      }
      if (step.result() == Step.Result.FAILURE || step.result() == Step.Result.DENY) {
        stage.setStatus(StatusCode.ERROR, step.result().name());
      }
      stage.end(next, TimeUnit.NANOSECONDS);
      at = next;
    }
    span.end(end, TimeUnit.NANOSECONDS);
  }

  private void describe(Span span, Decision decision) {
    span.setAttribute(OUTCOME, decision.allowed() ? "allowed" : "refused");
    span.setAttribute(REASON, decision.code());
    span.setAttribute(STATUS, (long) decision.status());
    String authenticator = authenticator(decision);
    if (authenticator != null) {
      span.setAttribute(AUTHENTICATOR, authenticator);
    }
    if (!decision.space().isEmpty()) {
      span.setAttribute(SPACE, decision.space());
    }
    Identity identity = decision.identity();
    if (recordSubject && identity != null) {
      span.setAttribute(SUBJECT, identity.subject());
    }
    if (decision.status() >= 500) {
      span.setStatus(StatusCode.ERROR, decision.code());
    }
  }

  /** The id of the authenticator that accepted or refused the credential, if one did. */
  private static @Nullable String authenticator(Decision decision) {
    for (Step step : decision.trace()) {
      String id = step.authenticatorId();
      if (id != null
          && (step.result() == Step.Result.SUCCESS || step.result() == Step.Result.FAILURE)) {
        return id;
      }
    }
    return null;
  }

  /** True when spans go nowhere (the API's no-op, e.g. no SDK installed). */
  boolean isNoop() {
    Target to = target();
    return to == null || to.noop();
  }

  private long epochNanos() {
    Instant now = clock.instant();
    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }

  private static java.util.Map<Step.Result, String> results() {
    java.util.Map<Step.Result, String> names = new java.util.EnumMap<>(Step.Result.class);
    for (Step.Result value : Step.Result.values()) {
      names.put(value, value.name().toLowerCase(Locale.ROOT));
    }
    return names;
  }

  /** Reads propagation headers ({@code traceparent}, {@code tracestate}...) from the request. */
  private enum Headers implements TextMapGetter<AuthRequest> {
    INSTANCE;

    @Override
    public @Nullable String get(@Nullable AuthRequest carrier, String key) {
      if (carrier == null) {
        return null;
      }
      List<String> values = carrier.headers(key);
      return values.isEmpty() ? null : values.get(0);
    }
  }

  /** Builds {@link GatehouseTracing}. */
  public static final class Builder {
    private final @Nullable OpenTelemetry openTelemetry; // null: the global one, when set
    private boolean recordSubject;
    private Clock clock = Clock.systemUTC();

    private Builder(@Nullable OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Whether the decision's span carries the subject ({@code enduser.id}) of an allowed request.
     * Off by default: a subject may be personal data, and traces are often kept longer and more
     * widely than logs.
     */
    public Builder recordSubject(boolean record) {
      this.recordSubject = record;
      return this;
    }

    /** Where span timestamps come from (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public GatehouseTracing build() {
      return new GatehouseTracing(this);
    }
  }
}
