package io.gatehouse.usage;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code quota} requests per {@code window}, refilled smoothly (a token bucket of {@code
 * quota} that gains one unit every {@code window / quota}).
 *
 * @param quota requests per window, 1 to {@value #MAX_QUOTA}
 * @param window 1 s to 366 d, whole seconds
 */
public record RateLimit(long quota, Duration window) {
  /** The largest quota of one rate limit. */
  public static final long MAX_QUOTA = 1_000_000_000L;

  public RateLimit {
    Objects.requireNonNull(window, "window");
    if (quota < 1 || quota > MAX_QUOTA) {
      throw new IllegalArgumentException(
          "a rate limit allows 1 to " + MAX_QUOTA + " requests per window, not " + quota);
    }
    if (window.compareTo(Duration.ofSeconds(1)) < 0
        || window.compareTo(Window.LONGEST) > 0
        || !window.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).equals(window)) {
      throw new IllegalArgumentException(
          "a rate-limit window is 1s to 366d in whole seconds, not " + window);
    }
  }

  /** Parses {@code 100/1m}: a count, a slash, a window in s, m, h or d. */
  public static RateLimit parse(String text) {
    String spec = text.strip();
    int slash = spec.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "a rate limit is COUNT/WINDOW, e.g. 100/1m, not '" + Specs.quote(spec) + "'");
    }
    long quota =
        Specs.number(
            spec.substring(0, slash),
            "the request count of '" + Specs.quote(spec) + "'",
            MAX_QUOTA);
    if (quota == 0) {
      throw new IllegalArgumentException(
          "a rate limit allows at least 1 request per window, not 0 ('" + Specs.quote(spec) + "')");
    }
    return new RateLimit(
        quota, Window.parse(spec.substring(slash + 1), "window of '" + Specs.quote(spec) + "'"));
  }

  /** The policy name in the RateLimit headers and refusals: {@code 100-per-1m}. */
  public String policy() {
    return quota + "-per-" + Window.format(window);
  }

  /** The spec text, as {@link #parse} reads it: {@code 100/1m}. */
  @Override
  public String toString() {
    return quota + "/" + Window.format(window);
  }
}
