package io.gatehouse.cli;

import io.gatehouse.admin.Management;
import io.gatehouse.usage.UsageLimits;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --rate}, {@code --uses} and {@code --refill}, shared by add-token and add-admintoken. */
final class LimitOptions {
  @Option(
      names = "--rate",
      paramLabel = "N/WINDOW[,..]",
      description =
          "Rate limits, e.g. 100/1m or 10/1s,1000/1h (window in s, m, h or d): over one, 429"
              + " rate_limited")
  @Nullable String rate;

  @Option(
      names = "--uses",
      paramLabel = "N",
      description = "Credits: each allowed request spends one; at 0, 429 usage_exceeded")
  @Nullable String uses;

  @Option(
      names = "--refill",
      paramLabel = "N/PERIOD",
      description = "Sets the credits back to N every PERIOD, e.g. 1000/30d (needs --uses)")
  @Nullable String refill;

  boolean given() {
    return rate != null || uses != null || refill != null;
  }

  /** Checks the options before anything is created (a bad limit must not leave a token behind). */
  void validate() {
    if (given()) {
      var unused = UsageLimits.parse(rate, uses, refill);
    }
  }

  Management.LimitsRequest request(boolean clear) {
    return new Management.LimitsRequest(rate, uses, refill, clear);
  }

  /** Sets the limits of a token just created, when any were given, and says so. */
  void applyTo(Management management, String tokenId, PrintWriter out) {
    if (given()) {
      Management.LimitsView set = management.setLimits(tokenId, request(false));
      out.println("Limits: " + set.summary());
    }
  }
}
