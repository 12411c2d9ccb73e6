package io.gatehouse.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How adapters render a refused {@link Decision}, so that every transport answers alike: the
 * status, one {@code WWW-Authenticate} header per challenge (RFC 6750), {@code Retry-After} on a
 * 503 or 429, the {@code RateLimit-Policy} and {@code RateLimit} fields when a limit is known, and
 * an {@code application/problem+json} body (RFC 9457).
 */
public final class Refusal {
  /** The media type of {@link #problemJson}. */
  public static final String PROBLEM_JSON = "application/problem+json";

  private Refusal() {}

  /** The values of the {@code WWW-Authenticate} header lines, one per challenge. */
  public static List<String> wwwAuthenticate(Decision decision) {
    List<String> values = new ArrayList<>(decision.challenges().size());
    for (Challenge challenge : decision.challenges()) {
      values.add(challenge.render());
    }
    return values;
  }

  /** The {@code Retry-After} value in whole seconds (at least 1), or null when not a 503 or 429. */
  public static @Nullable String retryAfter(Decision decision) {
    Duration retry = decision.retryAfter();
    if (retry == null) {
      return null;
    }
    long seconds = Math.max(1, (retry.toMillis() + 999) / 1000);
    return Long.toString(seconds);
  }

  /**
   * The {@code RateLimit-Policy} field value (draft-ietf-httpapi-ratelimit-headers) when the
   * decision carries a limit, allowed or refused; else null.
   */
  public static @Nullable String rateLimitPolicy(Decision decision) {
    RateLimitState limit = decision.rateLimit();
    return limit == null ? null : limit.policyHeader();
  }

  /** The {@code RateLimit} field value when the decision carries a limit; else null. */
  public static @Nullable String rateLimit(Decision decision) {
    RateLimitState limit = decision.rateLimit();
    return limit == null ? null : limit.stateHeader();
  }

  /**
   * The RFC 9457 problem document: {@code type}, {@code title}, {@code status}, {@code code} (the
   * {@link Reason} code) and, when {@code includeDetail}, the decision's safe {@code detail}.
   */
  public static String problemJson(Decision decision, boolean includeDetail) {
    StringBuilder json = new StringBuilder(160);
    json.append("{\"type\":\"https://gatehouse.dev/problems/")
        .append(decision.code().replace('_', '-'))
        .append("\",\"title\":");
    appendString(json, title(decision.status()));
    json.append(",\"status\":").append(decision.status()).append(",\"code\":");
    appendString(json, decision.code());
    if (includeDetail && !decision.detail().isEmpty()) {
      json.append(",\"detail\":");
      appendString(json, decision.detail());
    }
    return json.append('}').toString();
  }

  /** The reason phrase for the statuses a refusal can have. */
  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Refused";
    };
  }

  /** Appends {@code value} as a JSON string literal (RFC 8259), escaping what must be. */
  public static void appendString(StringBuilder out, String value) {
    appendString(out, value, false);
  }

  /**
   * Appends {@code value} as a JSON string literal; with {@code escapeMarkup}, {@code <}, {@code >}
   * and {@code &} are escaped too, so that no JSON answer can ever be read as markup.
   */
  public static void appendString(StringBuilder out, String value, boolean escapeMarkup) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean markup = escapeMarkup && (c == '<' || c == '>' || c == '&');
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || markup) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
