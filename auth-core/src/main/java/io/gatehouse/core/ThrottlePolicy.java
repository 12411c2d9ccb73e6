package io.gatehouse.core;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many refused credentials a client address may present in one space before the {@link
 * CredentialThrottle} of {@link CredentialThrottles#perAddress()} turns it away: a token bucket of
 * failures, {@code failures} deep, that regains {@code refill} failures every {@code refillEvery}.
 * The default, 20 refused credentials and then one more every 3 s, is what a person mistyping a
 * token or a script with a revoked token never reaches in normal use, and what holds an online
 * guesser to 20 guesses a minute per address.
 *
 * @param enabled false turns the throttle off in the space
 * @param failures the bucket's depth: refused credentials allowed in a burst (1 to 1,000,000)
 * @param refill failures regained per {@code refillEvery} (1 to {@code failures})
 * @param refillEvery the refill period (1 ms to 1 day)
 */
public record ThrottlePolicy(boolean enabled, int failures, int refill, Duration refillEvery) {

  /** 20 refused credentials, then one more every 3 s. */
  public static final ThrottlePolicy DEFAULT =
      new ThrottlePolicy(true, 20, 1, Duration.ofSeconds(3));

  /** No throttling. */
  public static final ThrottlePolicy OFF = new ThrottlePolicy(false, 20, 1, Duration.ofSeconds(3));

  private static final Pattern RATE =
      Pattern.compile("([0-9]{1,7})\\s*/\\s*([0-9]{0,9})\\s*(ms|s|m|h|d)");

  public ThrottlePolicy {
    Objects.requireNonNull(refillEvery, "refillEvery");
    if (failures < 1 || failures > 1_000_000) {
      throw new IllegalArgumentException("failures must be in [1, 1000000], was " + failures);
    }
    if (refill < 1 || refill > failures) {
      throw new IllegalArgumentException(
          "refill must be in [1, failures=" + failures + "], was " + refill);
    }
    if (refillEvery.compareTo(Duration.ofMillis(1)) < 0
        || refillEvery.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "the refill period must be between 1 ms and 1 day, was " + refillEvery);
    }
  }

  /** This policy, on or off. */
  public ThrottlePolicy withEnabled(boolean on) {
    return new ThrottlePolicy(on, failures, refill, refillEvery);
  }

  /** The time one failure takes to be regained, in milliseconds (at least 1). */
  public long millisPerFailure() {
    return Math.max(1, refillEvery.toMillis() / refill);
  }

  /** The refill as text, e.g. {@code 1/3s}. */
  public String refillText() {
    return refill + "/" + durationText(refillEvery);
  }

  /** E.g. {@code 20 failures, then 1/3s} or {@code off}. */
  public String describe() {
    return (enabled ? "" : "off (when on: ")
        + failures
        + " refused credentials per address, then "
        + refillText()
        + (enabled ? "" : ")");
  }

  /**
   * Parses a rate such as {@code 1/3s}, {@code 20/1m} or {@code 5/m}: a count per a period in
   * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}.
   *
   * @return {count, period in milliseconds}
   */
  public static long[] parseRate(String text) {
    Matcher m = RATE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a rate is COUNT/PERIOD such as 1/3s or 20/1m, not '" + Redact.safe(text) + "'");
    }
    long count = Long.parseLong(m.group(1));
    long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
    long unit =
        switch (m.group(3)) {
          case "ms" -> 1;
          case "s" -> 1_000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          default -> 86_400_000;
        };
    if (count < 1 || amount < 1) {
      throw new IllegalArgumentException(
          "a rate needs a positive count and period: '" + Redact.safe(text) + "'");
    }
    return new long[] {count, Math.multiplyExact(amount, unit)};
  }

  /** A policy of {@code failures} deep refilled at {@code refill} (e.g. {@code 1/3s}). */
  public static ThrottlePolicy of(int failures, String refill) {
    long[] rate = parseRate(refill);
    if (rate[0] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("refill count too large: " + rate[0]);
    }
    return new ThrottlePolicy(true, failures, (int) rate[0], Duration.ofMillis(rate[1]));
  }

  private static String durationText(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
