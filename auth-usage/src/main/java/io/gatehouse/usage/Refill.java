package io.gatehouse.usage;

import java.time.Duration;
import java.util.Objects;

/**
 * Credits set back to {@code amount} every {@code period}, counted from when the credits were set.
 *
 * @param amount the credits after a refill, 1 to {@value UsageLimits#MAX_USES}
 * @param period 1 m to 366 d, whole seconds
 */
public record Refill(long amount, Duration period) {
  public Refill {
    Objects.requireNonNull(period, "period");
    if (amount < 1 || amount > UsageLimits.MAX_USES) {
      throw new IllegalArgumentException(
          "a refill grants 1 to " + UsageLimits.MAX_USES + " uses, not " + amount);
    }
    if (period.compareTo(Duration.ofMinutes(1)) < 0
        || period.compareTo(Window.LONGEST) > 0
        || !period.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).equals(period)) {
      throw new IllegalArgumentException(
          "a refill period is 1m to 366d in whole seconds, not " + period);
    }
  }

  /** Parses {@code 1000/30d}. */
  public static Refill parse(String text) {
    String spec = text.strip();
    int slash = spec.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "a refill is USES/PERIOD, e.g. 1000/30d, not '" + Specs.quote(spec) + "'");
    }
    long amount = Specs.number(spec.substring(0, slash), "the refill's uses", UsageLimits.MAX_USES);
    if (amount == 0) {
      throw new IllegalArgumentException("a refill grants at least 1 use, not 0");
    }
    Duration period = Window.parse(spec.substring(slash + 1), "refill period");
    if (period.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "a refill period is at least 1m, not " + Specs.quote(spec.substring(slash + 1)));
    }
    return new Refill(amount, period);
  }

  @Override
  public String toString() {
    return amount + "/" + Window.format(period);
  }
}
