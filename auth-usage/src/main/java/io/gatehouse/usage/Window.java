package io.gatehouse.usage;

import java.time.Duration;

/** The duration syntax of limit specs: a positive whole number of s, m, h or d ({@code 30d}). */
final class Window {
  /** The longest window or refill period: a year (366 days, so a leap year's fits). */
  static final Duration LONGEST = Duration.ofDays(366);

  private static final long MAX_AMOUNT = 1_000_000L;

  private Window() {}

  /** Parses {@code text} ({@code what} names it in messages: "window", "refill period"). */
  static Duration parse(String text, String what) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " is missing: write e.g. 1m or 30d");
    }
    char unit = text.charAt(text.length() - 1);
    Duration per =
        switch (unit) {
          case 's' -> Duration.ofSeconds(1);
          case 'm' -> Duration.ofMinutes(1);
          case 'h' -> Duration.ofHours(1);
          case 'd' -> Duration.ofDays(1);
          default ->
              throw new IllegalArgumentException(
                  "the "
                      + what
                      + " '"
                      + Specs.quote(text)
                      + "' needs a unit s, m, h or d (e.g. 1m, 30d)");
        };
    long amount = Specs.number(text.substring(0, text.length() - 1), "the " + what, MAX_AMOUNT);
    if (amount == 0) {
      throw new IllegalArgumentException("the " + what + " must be positive, not " + text);
    }
    Duration window = per.multipliedBy(amount);
    if (window.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(
          "the " + what + " " + text + " is longer than the longest allowed, 366d");
    }
    return window;
  }

  /** The shortest text for {@code window} in the largest unit that divides it: 60s is 1m. */
  static String format(Duration window) {
    long seconds = window.toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
