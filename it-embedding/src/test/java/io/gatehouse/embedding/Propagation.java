package io.gatehouse.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures how long a change takes to reach each app: from the CLI process's exit to the first
 * request (polled every 50 ms) that shows the new behaviour. Keeps every figure, per store, for the
 * summary printed at the end.
 */
final class Propagation {
  /** The promise: every change visible on every instance sharing the database within 2 s. */
  static final Duration LIMIT = Duration.ofSeconds(2);

  private static final long POLL_MILLIS = 50;
  private static final Map<String, Map<String, List<Long>>> FIGURES = new LinkedHashMap<>();

  private Propagation() {}

  /** What one request to an app shows, as {@link App#outcome} renders it. */
  @FunctionalInterface
  interface Probe {
    String outcome(App app) throws Exception;
  }

  /**
   * Polls every app until it shows {@code expected}, records how long after {@code sinceNanos} each
   * did, and asserts each within {@link #LIMIT}. Keeps polling past the limit (to 3x) so a late
   * change is reported with its real figure.
   */
  static void await(
      String store,
      String change,
      long sinceNanos,
      List<? extends App> apps,
      String expected,
      Probe probe)
      throws Exception {
    Map<App, Long> seen = new LinkedHashMap<>();
    Map<App, String> last = new LinkedHashMap<>();
    long deadline = sinceNanos + 3 * LIMIT.toNanos();
    while (seen.size() < apps.size() && System.nanoTime() < deadline) {
      for (App app : apps) {
        if (!seen.containsKey(app)) {
          String outcome = probe.outcome(app);
          last.put(app, outcome);
          if (matches(outcome, expected)) {
            seen.put(app, (System.nanoTime() - sinceNanos) / 1_000_000);
          }
        }
      }
      if (seen.size() < apps.size()) {
        Thread.sleep(POLL_MILLIS);
      }
    }
    List<String> line = new ArrayList<>();
    for (App app : apps) {
      Long millis = seen.get(app);
      if (millis != null) {
        record(store, change, millis);
        line.add(app + " " + millis + " ms");
      } else {
        line.add(app + " never (still '" + last.get(app) + "')");
      }
    }
    String report = "propagation [" + store + "] " + change + ": " + String.join(", ", line);
    System.out.println(report);
    assertThat(seen).as(report + "; expected '" + expected + "'").hasSize(apps.size());
    assertThat(seen.values())
        .as(report)
        .allSatisfy(millis -> assertThat(millis).isLessThanOrEqualTo(LIMIT.toMillis()));
  }

  /** Waits (up to 20 s, not measured) until every app shows {@code expected}: a test's baseline. */
  static void settle(List<? extends App> apps, String expected, Probe probe) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (App app : apps) {
      String outcome = probe.outcome(app);
      while (!matches(outcome, expected) && System.nanoTime() < deadline) {
        Thread.sleep(POLL_MILLIS);
        outcome = probe.outcome(app);
      }
      assertThat(matches(outcome, expected))
          .as("%s showed '%s', expected '%s'", app, outcome, expected)
          .isTrue();
    }
  }

  /** {@code "401"} matches any 401 refusal; {@code "403 address_denied"} only that one. */
  static boolean matches(String outcome, String expected) {
    return outcome.equals(expected) || outcome.startsWith(expected + " ");
  }

  private static synchronized void record(String store, String change, long millis) {
    FIGURES
        .computeIfAbsent(store, s -> new LinkedHashMap<>())
        .computeIfAbsent(change, c -> new ArrayList<>())
        .add(millis);
  }

  /**
   * One line per change with every app's figure, then the store's median and max over them all;
   * printed and appended to {@code target/embedding-propagation.txt}.
   */
  static synchronized String summary(String store) {
    Map<String, List<Long>> changes = FIGURES.getOrDefault(store, Map.of());
    StringBuilder out = new StringBuilder();
    List<Long> all = new ArrayList<>();
    changes.forEach(
        (change, millis) -> {
          all.addAll(millis);
          out.append(
              String.format(
                  "propagation [%s] %-28s %s ms (max %d ms)%n",
                  store, change, millis, millis.stream().mapToLong(m -> m).max().orElse(0)));
        });
    all.sort(null);
    out.append(
        String.format(
            "propagation [%s] ALL: n=%d, median %d ms, max %d ms (limit %d ms)%n",
            store,
            all.size(),
            all.isEmpty() ? 0 : all.get(all.size() / 2),
            all.isEmpty() ? 0 : all.get(all.size() - 1),
            LIMIT.toMillis()));
    String text = out.toString();
    System.out.print(text);
    try {
      Path file = Path.of("target", "embedding-propagation.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("could not write the propagation figures: " + e);
    }
    return text;
  }
}
