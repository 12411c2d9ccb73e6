package io.gatehouse.core;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer for one request: allowed (as whom) or refused (status, reason, challenges), with the
 * trace of every stage.
 *
 * @param allowed whether the request may proceed
 * @param status 200 when allowed, else the refusal's HTTP status (401, 403, 500, 503)
 * @param identity who the caller is; null when refused before authentication succeeded
 * @param reason why it was refused; null when allowed
 * @param detail a message safe to show the client; empty when allowed
 * @param challenges {@code WWW-Authenticate} challenges for a 401 (every abstaining
 *     authenticator's, or the failing one's)
 * @param retryAfter for a 503 or a 429: when to retry
 * @param space the resolved space, or empty when it could not be resolved
 * @param clientAddress the resolved client address, when resolution got that far
 * @param trace every stage, in order
 * @param rateLimit the limit the caller stands against, from the {@link UsageGate} or the 429's
 *     refusal; adapters send it as the {@code RateLimit-Policy} and {@code RateLimit} header fields
 */
public record Decision(
    boolean allowed,
    int status,
    @Nullable Identity identity,
    @Nullable Reason reason,
    String detail,
    List<Challenge> challenges,
    @Nullable Duration retryAfter,
    String space,
    @Nullable InetAddress clientAddress,
    List<Step> trace,
    @Nullable RateLimitState rateLimit) {

  public Decision {
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(space, "space");
    challenges = List.copyOf(challenges);
    trace = List.copyOf(trace);
    if (allowed != (reason == null)) {
      throw new IllegalArgumentException("an allowed decision has no reason; a refusal has one");
    }
    if (allowed && identity == null) {
      throw new IllegalArgumentException("an allowed decision needs an identity");
    }
  }

  /** A decision without a rate limit to tell. */
  public Decision(
      boolean allowed,
      int status,
      @Nullable Identity identity,
      @Nullable Reason reason,
      String detail,
      List<Challenge> challenges,
      @Nullable Duration retryAfter,
      String space,
      @Nullable InetAddress clientAddress,
      List<Step> trace) {
    this(
        allowed,
        status,
        identity,
        reason,
        detail,
        challenges,
        retryAfter,
        space,
        clientAddress,
        trace,
        null);
  }

  /**
   * A refusal decided outside the pipeline (an adapter's own timeout or a request it cannot parse),
   * with an empty trace; {@code retryAfter} applies to 503s and 429s only.
   */
  public static Decision refusal(Reason reason, String detail, @Nullable Duration retryAfter) {
    return new Decision(
        false,
        reason.status(),
        null,
        reason,
        detail,
        List.of(),
        reason == Reason.UNAVAILABLE || reason.isThrottling() ? retryAfter : null,
        "",
        null,
        List.of());
  }

  /**
   * A 400 {@link Reason#MALFORMED} refusal decided outside the pipeline: the request itself (not a
   * credential) cannot be read, as an adapter answers an unparseable or ambiguous request. The
   * reason alone would say 401; a request that is not understood is a 400.
   */
  public static Decision badRequest(String detail) {
    return new Decision(
        false, 400, null, Reason.MALFORMED, detail, List.of(), null, "", null, List.of());
  }

  /** The refusal's reason code ({@code unknown_credential}...), or {@code allowed}. */
  public String code() {
    return reason == null ? "allowed" : reason.code();
  }

  /** A multi-line explanation for an operator: the outcome, then one line per stage. */
  public String explain() {
    StringBuilder out = new StringBuilder();
    if (allowed && identity != null) {
      out.append("ALLOW ")
          .append(identity.subject())
          .append(" via ")
          .append(identity.method())
          .append(" access ")
          .append(identity.access());
      if (!identity.permissions().isEmpty()) {
        out.append(" permissions ").append(identity.permissions());
      }
    } else {
      out.append("DENY ").append(status).append(' ').append(code()).append(": ").append(detail);
    }
    out.append("\n  space ").append(space.isEmpty() ? "(unresolved)" : space);
    if (clientAddress != null) {
      out.append(", client ").append(clientAddress.getHostAddress());
    }
    for (Step step : trace) {
      out.append("\n  ").append(step);
    }
    return out.toString();
  }
}
