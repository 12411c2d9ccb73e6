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
 * its last good settings (fail closed: an allowlist never silently disappears); when there is no
 * last good copy (unreadable since this process started) its requests are refused with 503 until
 * the settings are fixed. It also keeps the set of declared spaces: requests in any other space are
 * refused ({@link #spaceCheck()}).
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

  /** Spaces whose settings were read at least once: they have a last good copy. */
  private final Set<String> loaded = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private volatile Set<String> declared = Set.of();

  /** Spaces whose settings cannot be read and that have no last good copy: refused. */
  private volatile Map<String, String> unreadable = Map.of();

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
    loaded.addAll(snapshot.configs().keySet());
    Map<String, String> refused = new java.util.TreeMap<>();
    for (String space : snapshot.broken()) {
      if (!loaded.contains(space)) {
        refused.put(space, unreadableDetail(space));
      }
    }
    unreadable = Map.copyOf(refused);
    declared = Set.copyOf(snapshot.spaces());
    LOG.debug("space settings reloaded: {}", next);
  }

  static String unreadableDetail(String space) {
    return "the settings of space '"
        + space
        + "' in the store cannot be read (edited by hand, or written by a newer gatehouse);"
        + " its requests are refused until they are fixed";
  }

  /**
   * Refuses requests in a space the store does not declare ({@code UNKNOWN_SPACE}, 403) and in a
   * space whose settings are unreadable with no last good copy (503). Reads memory only.
   */
  io.gatehouse.core.SpaceCheck spaceCheck() {
    return (space, settings) -> check(space, declared, unreadable);
  }

  static io.gatehouse.core.AuthOutcome.@org.jspecify.annotations.Nullable Failure check(
      String space, Set<String> declared, Map<String, String> unreadable) {
    if (!declared.contains(space)) {
      return io.gatehouse.core.SpaceCheck.unknown(space);
    }
    String detail = unreadable.get(space);
    return detail == null ? null : io.gatehouse.core.SpaceCheck.unavailable(detail);
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
