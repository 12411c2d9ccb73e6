package io.gatehouse.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link UsageGate}'s answer: admitted (with the limit to advertise, if any) or refused.
 *
 * @param refusal why the request is refused, or null when admitted
 * @param state the tightest limit the caller stands against, sent as the {@code RateLimit} header
 *     fields; null when there is none to tell
 */
public record UsageVerdict(AuthOutcome.@Nullable Failure refusal, @Nullable RateLimitState state) {

  private static final UsageVerdict UNLIMITED = new UsageVerdict(null, null);

  /** Admitted, with no limit to advertise. */
  public static UsageVerdict admit() {
    return UNLIMITED;
  }

  /** Admitted; {@code state} tells the client where it stands. */
  public static UsageVerdict admit(RateLimitState state) {
    return new UsageVerdict(null, Objects.requireNonNull(state, "state"));
  }

  /** Refused for {@code failure} (a 429 reason, or {@link Reason#UNAVAILABLE} when unsure). */
  public static UsageVerdict refuse(AuthOutcome.Failure failure) {
    return new UsageVerdict(Objects.requireNonNull(failure, "failure"), failure.limit());
  }

  /** True when the request may proceed. */
  public boolean admitted() {
    return refusal == null;
  }
}
