package io.gatehouse.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One time series: a count (and for timers a total in nanoseconds) that the request thread adds to
 * without touching the registry; registries read it through function meters.
 */
final class Series {
  /** What a series is: its meter name and tags, fixed when it is first seen. */
  interface Key {
    String meter();

    Tags tags();

    boolean timer();

    String description();
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
    if (key.timer()) {
      FunctionTimer.builder(
              key.meter(), this, s -> s.count.sum(), s -> s.nanos.sum(), TimeUnit.NANOSECONDS)
          .tags(key.tags())
          .description(key.description())
          .register(registry);
    } else {
      FunctionCounter.builder(key.meter(), this, s -> s.count.sum())
          .tags(key.tags())
          .description(key.description())
          .register(registry);
    }
  }
}
