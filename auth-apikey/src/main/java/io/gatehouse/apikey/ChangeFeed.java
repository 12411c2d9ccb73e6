package io.gatehouse.apikey;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Change notifications between instances that share a store. A change is a {@code (topic, key)}
 * pair: {@code ("token", id)} for token records, and other tables (per-space settings, address
 * rules) may publish their own topics on the same feed. On PostgreSQL it is pushed with
 * LISTEN/NOTIFY, with bounded polling of a change table as the fallback; on H2 it is polled.
 * Delivery is at least once and may be late by the poll interval; listeners must be idempotent.
 */
public interface ChangeFeed {

  /** The key meaning "anything in this topic may have changed" (e.g. after a missed gap). */
  String ALL = "*";

  /**
   * Calls {@code listener} for every change in {@code topic}, on a background thread. Close the
   * subscription to stop.
   */
  Subscription subscribe(String topic, Consumer<Change> listener);

  /** Publishes a change to every subscriber of every instance sharing the store. */
  void publish(String topic, String key);

  /**
   * Calls {@code observer}, on a background thread, for every change another instance (or this one)
   * committed to the shared store as it arrives here, with its commit time: what a change-feed lag
   * metric measures. Feeds that share nothing report nothing (the default).
   */
  default Subscription observeArrivals(Consumer<Arrival> observer) {
    Objects.requireNonNull(observer, "observer");
    return () -> {};
  }

  /**
   * A change's arrival on this instance.
   *
   * @param topic the change's topic
   * @param via how it came: {@code notify} (pushed) or {@code poll}
   * @param committedAt when the writer committed it, by the writer's clock
   * @param arrivedAt when it arrived here, by this instance's clock
   */
  record Arrival(String topic, String via, Instant committedAt, Instant arrivedAt) {
    public Arrival {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(via, "via");
      Objects.requireNonNull(committedAt, "committedAt");
      Objects.requireNonNull(arrivedAt, "arrivedAt");
    }

    /** From commit to arrival; zero when the clocks disagree the other way. */
    public Duration lag() {
      Duration lag = Duration.between(committedAt, arrivedAt);
      return lag.isNegative() ? Duration.ZERO : lag;
    }
  }

  /** One change. */
  record Change(String topic, String key) {
    public Change {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(key, "key");
    }

    /** True when every key of the topic must be considered changed. */
    public boolean isAll() {
      return ALL.equals(key);
    }
  }

  /** A registration made with {@link #subscribe}. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
