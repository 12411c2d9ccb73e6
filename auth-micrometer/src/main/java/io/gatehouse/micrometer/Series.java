package io.gatehouse.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One time series: a count (and for timers a total in nanoseconds) that the request thread adds to
 * without touching the registry; registries read it through function meters.
 */
final class Series {
  /** The meters Gatehouse publishes: name, kind, description and tag names. */
  enum Meter {
    DECISIONS(
        "gatehouse.decisions",
        false,
        "Decisions, by outcome and reason",
        "outcome",
        "reason",
        "authenticator",
        "space",
        "status"),
    STAGE("gatehouse.stage", true, "Time spent in each pipeline stage", "stage", "result"),
    DECISION_DURATION(
        "gatehouse.decision.duration",
        true,
        "Time to decide a request, the sum of its stages",
        "outcome"),
    JWKS_FETCHES(
        "gatehouse.jwks.fetches",
        true,
        "JWKS fetches by issuer host and result, with their latency",
        "host",
        "result"),
    CACHE(
        "gatehouse.cache",
        false,
        "Verified-token (jwt) and API-token (apikey) cache hits and misses",
        "cache",
        "result"),
    STORE_READS(
        "gatehouse.store.reads",
        true,
        "Token store reads on a cache miss: found, absent or failed, with their latency",
        "result"),
    FEED_LAG(
        "gatehouse.feed.lag",
        true,
        "Change feed: from a change's commit to its arrival on this instance",
        "topic",
        "via"),
    EVENTS(
        "gatehouse.events",
        false,
        "Module events (JWKS fetches, cache misses, token changes...) by type",
        "type");

    final String meterName;
    final boolean timer;
    final String description;

    @SuppressWarnings("ImmutableEnumChecker") // List.of: unmodifiable
    private final List<String> tagNames;

    Meter(String meterName, boolean timer, String description, String... tagNames) {
      this.meterName = meterName;
      this.timer = timer;
      this.description = description;
      this.tagNames = List.of(tagNames);
    }

    /** The key of this meter's series with these tag values, in the order of its tag names. */
    Key key(String... values) {
      if (values.length != tagNames.size()) {
        throw new IllegalArgumentException(
            meterName + " takes " + tagNames.size() + " tags, not " + values.length);
      }
      return new Key(this, List.of(values));
    }
  }

  /** What a series is: its meter and tag values, fixed when it is first seen. */
  record Key(Meter meter, List<String> values) {
    Tags tags() {
      Tags tags = Tags.empty();
      for (int i = 0; i < values.size(); i++) {
        tags = tags.and(meter.tagNames.get(i), values.get(i));
      }
      return tags;
    }
  }

  private final Key key;
  private final LongAdder count = new LongAdder();
  private final LongAdder nanos = new LongAdder();

  Series(Key key) {
    this.key = key;
  }

  void increment() {
    count.increment();
  }

  void record(long durationNanos) {
    count.increment();
    nanos.add(Math.max(0, durationNanos));
  }

  void registerIn(MeterRegistry registry) {
    Meter meter = key.meter();
    if (meter.timer) {
      FunctionTimer.builder(
              meter.meterName, this, s -> s.count.sum(), s -> s.nanos.sum(), TimeUnit.NANOSECONDS)
          .tags(key.tags())
          .description(meter.description)
          .register(registry);
    } else {
      FunctionCounter.builder(meter.meterName, this, s -> s.count.sum())
          .tags(key.tags())
          .description(meter.description)
          .register(registry);
    }
  }
}
