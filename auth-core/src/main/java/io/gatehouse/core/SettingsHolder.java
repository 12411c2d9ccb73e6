package io.gatehouse.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link Settings} snapshot and swaps it atomically. Readers call {@link #get()}
 * once per decision; writers call {@link #update(UnaryOperator)}.
 */
public final class SettingsHolder implements Supplier<Settings> {
  private static final Logger LOG = LoggerFactory.getLogger(SettingsHolder.class);

  private volatile Settings current;
  private final List<Consumer<Settings>> subscribers = new CopyOnWriteArrayList<>();

  public SettingsHolder() {
    this(Settings.empty());
  }

  public SettingsHolder(Settings initial) {
    this.current = java.util.Objects.requireNonNull(initial, "initial");
  }

  @Override
  public Settings get() {
    return current;
  }

  /** Applies {@code change} atomically and returns the new snapshot. */
  public Settings update(UnaryOperator<Settings> change) {
    Settings next;
    synchronized (this) { // writers are rare; readers never lock
      next = java.util.Objects.requireNonNull(change.apply(current), "change returned null");
      current = next;
    }
    notifySubscribers(next);
    return next;
  }

  /** Calls {@code subscriber} with every new snapshot. */
  public void subscribe(Consumer<Settings> subscriber) {
    subscribers.add(subscriber);
  }

  private void notifySubscribers(Settings next) {
    for (Consumer<Settings> subscriber : subscribers) {
      try {
        subscriber.accept(next);
      } catch (RuntimeException e) {
        LOG.warn("settings subscriber {} failed; the new settings apply anyway", subscriber, e);
      }
    }
  }
}
