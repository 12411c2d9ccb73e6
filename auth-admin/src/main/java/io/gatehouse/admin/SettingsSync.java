package io.gatehouse.admin;

import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SettingsHolder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link SettingsHolder} equal to the space settings in the store: loads them at start,
 * reloads on every {@code ("settings", space)} change any instance publishes, and every {@link
 * #BACKSTOP} in case a notification was lost. A space whose stored settings cannot be read keeps
 * its last good settings (fail closed: an allowlist never silently disappears).
 */
final class SettingsSync implements AutoCloseable {
  /** The longest a change can go unseen when its notification was lost. */
  static final Duration BACKSTOP = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(SettingsSync.class);

  private final SpaceSettingsStore store;
  private final SettingsHolder holder;
  private final ChangeFeed.Subscription subscription;
  private final ScheduledExecutorService backstop;
  private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  SettingsSync(SpaceSettingsStore store, ChangeFeed feed, SettingsHolder holder) {
    this.store = store;
    this.holder = holder;
    reload();
    this.subscription = feed.subscribe(SpaceSettingsStore.TOPIC, change -> reloadQuietly());
    this.backstop =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gatehouse-settings-backstop");
              thread.setDaemon(true);
              return thread;
            });
    long period = BACKSTOP.toMillis();
    var unused =
        backstop.scheduleWithFixedDelay(this::reloadQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  /** Reads every space's settings and swaps them in at once. */
  void reload() {
    SpaceSettingsStore.Snapshot snapshot = store.readAll();
    warnAboutRefusedIssuers(snapshot.configs());
    Settings next = holder.update(current -> apply(current, snapshot.configs(), snapshot.broken()));
    LOG.debug("space settings reloaded: {}", next);
  }

  static Settings apply(Settings current, Map<String, SpaceConfig> configs, Set<String> broken) {
    Set<String> spaces = new TreeSet<>(current.spaces());
    spaces.addAll(configs.keySet());
    Settings out = current;
    for (String space : spaces) {
      if (broken.contains(space)) {
        continue;
      }
      out = configs.getOrDefault(space, SpaceConfig.empty(space)).applyTo(out);
    }
    return out;
  }

  /**
   * Issuers stored without an audience by an older gatehouse load as refused (see {@link
   * SpaceConfig#applyTo}): say so once per issuer, loudly, besides every token's trace.
   */
  private void warnAboutRefusedIssuers(Map<String, SpaceConfig> configs) {
    configs.forEach(
        (space, config) -> {
          for (SpaceConfig.Issuer issuer : config.issuers()) {
            if (issuer.audienceMissing() && warned.add(space + " " + issuer.issuer())) {
              LOG.warn(
                  "space '{}': tokens of issuer '{}' are refused because {}",
                  space,
                  issuer.issuer(),
                  issuer.refusal());
            }
          }
        });
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("could not reload space settings; the current ones stay: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    subscription.close();
    backstop.shutdownNow();
  }
}
