package io.gatehouse.core;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a caller stands against one limit, in the terms of the IETF RateLimit header fields
 * (draft-ietf-httpapi-ratelimit-headers): a named policy of {@code quota} units per {@code window},
 * of which {@code remaining} are left until {@code reset}. Adapters send it as {@code
 * RateLimit-Policy} and {@code RateLimit} on a 429, and on allowed responses when the limit stage
 * reports one.
 *
 * @param policy a short name for the limit ({@code 100-per-1m}, {@code uses}): letters, digits and
 *     {@code -_.:}, at most 64 characters, so it is always a valid structured-field string
 * @param quota the units the policy grants per window (or in all, for credits without refill)
 * @param window the policy's window; null for credits that never refill
 * @param remaining the units left now, never negative
 * @param reset when the next unit is granted (for a refused request, also its {@code Retry-After})
 */
public record RateLimitState(
    String policy, long quota, @Nullable Duration window, long remaining, Duration reset) {

  public RateLimitState {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(reset, "reset");
    if (!isPolicyName(policy)) {
      throw new IllegalArgumentException(
          "a rate-limit policy name is 1-64 of [A-Za-z0-9_.:-], not '" + Redact.safe(policy) + "'");
    }
    if (quota < 0 || remaining < 0) {
      throw new IllegalArgumentException(
          "quota and remaining are never negative: quota " + quota + ", remaining " + remaining);
    }
    if (window != null && (window.isNegative() || window.isZero())) {
      throw new IllegalArgumentException("a rate-limit window is positive, not " + window);
    }
    if (reset.isNegative()) {
      reset = Duration.ZERO;
    }
  }

  /** The {@code RateLimit-Policy} field value, e.g. {@code "100-per-1m";q=100;w=60}. */
  public String policyHeader() {
    StringBuilder out = new StringBuilder(40);
    out.append('"').append(policy).append("\";q=").append(quota);
    if (window != null) {
      out.append(";w=").append(ceilSeconds(window));
    }
    return out.toString();
  }

  /** The {@code RateLimit} field value, e.g. {@code "100-per-1m";r=0;t=12}. */
  public String stateHeader() {
    return "\"" + policy + "\";r=" + remaining + ";t=" + ceilSeconds(reset);
  }

  /** 1-64 of {@code [A-Za-z0-9_.:-]}: a loop, not a regex, since this runs on every request. */
  private static boolean isPolicyName(String name) {
    int length = name.length();
    if (length == 0 || length > 64) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whole seconds, rounded up: a client that waits this long is never early. */
  public static long ceilSeconds(Duration duration) {
    long millis = duration.toMillis();
    return millis <= 0 ? 0 : (millis + 999) / 1000;
  }
}
