package io.gatehouse.admin;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them: {@code 30d}, {@code 24h}, {@code 15m}, {@code 45s}, {@code 0}. */
public final class Durations {
  private Durations() {}

  private static final Pattern SHAPE = Pattern.compile("(\\d{1,9})([smhdw])");

  /** Parses {@code text}; throws {@link IllegalArgumentException} naming it when malformed. */
  public static Duration parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    Matcher matcher = SHAPE.matcher(value);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "invalid duration '"
              + io.gatehouse.core.Redact.safe(text)
              + "': use a number and a unit, e.g. 30d, 24h, 15m, 45s");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofDays(7 * amount); // "w"
    };
  }

  /** The short form {@link #parse} reads back, e.g. {@code 24h}. */
  public static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds == 0) {
      return "0";
    } else if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    } else if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    } else if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
