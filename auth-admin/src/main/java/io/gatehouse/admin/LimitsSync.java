package io.gatehouse.admin;

import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.usage.LimitSource;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage limits of every space in memory, as the limiter reads them on each request: loaded at
 * start, reloaded on every {@code ("limits", space)} change any instance publishes (so a change
 * made by {@code gatehouse limits} anywhere applies within 2 s) and every {@link
 * SettingsSync#BACKSTOP}. While the store is unreachable the last limits read stay in force.
 */
final class LimitsSync implements LimitSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LimitsSync.class);

  private final LimitsStore store;
  private final ChangeFeed.Subscription subscription;
  private final ScheduledExecutorService backstop;
  private volatile Map<String, Map<String, Active>> limits = Map.of();

  LimitsSync(LimitsStore store, ChangeFeed feed) {
    this.store = store;
    reload();
    this.subscription = feed.subscribe(LimitsStore.TOPIC, change -> reloadQuietly());
    this.backstop =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gatehouse-limits-backstop");
              thread.setDaemon(true);
              return thread;
            });
    long period = SettingsSync.BACKSTOP.toMillis();
    var unused =
        backstop.scheduleWithFixedDelay(this::reloadQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public @Nullable Active limitsFor(String space, String tokenId) {
    Map<String, Active> inSpace = limits.get(space);
    if (inSpace == null) {
      return null;
    }
    Active own = inSpace.get(tokenId);
    return own != null ? own : inSpace.get(LimitsStore.SPACE_DEFAULT);
  }

  void reload() {
    limits = Map.copyOf(store.readAll());
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("could not reload the usage limits; the current ones stay: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    subscription.close();
    backstop.shutdownNow();
  }
}
