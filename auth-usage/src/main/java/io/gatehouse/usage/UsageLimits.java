package io.gatehouse.usage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one token (or a space's default): rate limits, and credits ({@code uses}) with an
 * optional refill. Every part is optional; {@link #none()} has none.
 *
 * @param rates at most {@value #MAX_RATES}, one per window
 * @param uses the credits granted when the limits are set, or null for no credit limit
 * @param refill when the credits are set back, or null for never (needs {@code uses})
 */
public record UsageLimits(List<RateLimit> rates, @Nullable Long uses, @Nullable Refill refill) {
  /** The most rate limits one token may have. */
  public static final int MAX_RATES = 8;

  /** The largest credit count. */
  public static final long MAX_USES = 1_000_000_000_000L;

  private static final UsageLimits NONE = new UsageLimits(List.of(), null, null);

  public UsageLimits {
    rates = List.copyOf(rates);
    if (rates.size() > MAX_RATES) {
      throw new IllegalArgumentException(
          "at most " + MAX_RATES + " rate limits per token, not " + rates.size());
    }
    Set<Duration> windows = new HashSet<>();
    for (RateLimit rate : rates) {
      if (!windows.add(rate.window())) {
        throw new IllegalArgumentException(
            "two rate limits with the same window "
                + Window.format(rate.window())
                + ": keep one per window");
      }
    }
    if (uses != null && (uses < 0 || uses > MAX_USES)) {
      throw new IllegalArgumentException("uses is 0 to " + MAX_USES + ", not " + uses);
    }
    if (refill != null && uses == null) {
      throw new IllegalArgumentException("a refill needs uses: set --uses as well");
    }
  }

  /** No limits at all. */
  public static UsageLimits none() {
    return NONE;
  }

  /**
   * Parses the command-line form; each argument may be null (not given).
   *
   * @param rates {@code 100/1m} or several, comma-separated: {@code 10/1s,1000/1h}
   * @param uses a whole number of credits, 0 or more
   * @param refill {@code 1000/30d}
   */
  public static UsageLimits parse(
      @Nullable String rates, @Nullable String uses, @Nullable String refill) {
    return new UsageLimits(
        rates == null ? List.of() : parseRates(rates),
        uses == null ? null : Specs.number(uses.strip(), "uses", MAX_USES),
        refill == null ? null : Refill.parse(refill));
  }

  /** {@code 10/1s,1000/1h}: one or more rate limits. */
  public static List<RateLimit> parseRates(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("no rate limit given: write e.g. 100/1m");
    }
    String[] parts = text.split(",", -1);
    if (parts.length > MAX_RATES) {
      throw new IllegalArgumentException(
          "at most " + MAX_RATES + " rate limits per token, not " + parts.length);
    }
    List<RateLimit> out = new ArrayList<>();
    for (String part : parts) {
      if (part.isBlank()) {
        throw new IllegalArgumentException(
            "an empty rate limit in '" + Specs.quote(text) + "' (a stray comma?)");
      }
      out.add(RateLimit.parse(part));
    }
    return out;
  }

  /** True when there is nothing to enforce. */
  public boolean isNone() {
    return rates.isEmpty() && uses == null;
  }

  /**
   * These limits with the parts given replaced (each may be null: kept), e.g. {@code --uses 500} on
   * a token that also has a rate limit keeps the rate limit.
   */
  public UsageLimits with(@Nullable String rates, @Nullable String uses, @Nullable String refill) {
    return new UsageLimits(
        rates == null ? this.rates : parseRates(rates),
        uses == null ? this.uses : Long.valueOf(Specs.number(uses.strip(), "uses", MAX_USES)),
        refill == null ? this.refill : Refill.parse(refill));
  }

  /** The rates as {@link #parseRates} reads them, or null when there are none. */
  public @Nullable String ratesText() {
    if (rates.isEmpty()) {
      return null;
    }
    return String.join(",", rates.stream().map(RateLimit::toString).toList());
  }

  /** {@code rate 10/1s,1000/1h, uses 1000, refill 1000/30d}, or {@code none}. */
  @Override
  public String toString() {
    if (isNone()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    String text = ratesText();
    if (text != null) {
      parts.add("rate " + text);
    }
    if (uses != null) {
      parts.add("uses " + uses);
    }
    if (refill != null) {
      parts.add("refill " + Objects.toString(refill));
    }
    return String.join(", ", parts);
  }
}
