package io.gatehouse.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What one authenticator concluded. Only {@link Abstain} lets the pipeline try the next
 * authenticator: a presented-but-bad credential is a {@link Failure} and ends the decision.
 */
public sealed interface AuthOutcome
    permits AuthOutcome.Abstain, AuthOutcome.Success, AuthOutcome.Failure {

  /**
   * "Not my credential": this authenticator found nothing it recognises.
   *
   * @param challenge what the client could send instead, for the 401's {@code WWW-Authenticate}
   */
  record Abstain(@Nullable Challenge challenge) implements AuthOutcome {}

  /** The credential is valid. */
  record Success(Identity identity) implements AuthOutcome {
    public Success {
      Objects.requireNonNull(identity, "identity");
    }
  }

  /**
   * The credential was presented and is bad, or checking it failed. Terminal.
   *
   * @param reason the machine-readable reason
   * @param detail a message safe to show the client and log: never the credential itself
   * @param challenge the challenge to send with a 401 (with its RFC 6750 error), if any
   * @param retryAfter for {@link Reason#UNAVAILABLE} and the 429 reasons: when to retry, if known
   * @param cause the exception behind the failure, for logs only
   * @param limit for the 429 reasons: the limit that was hit, for the {@code RateLimit} headers
   */
  record Failure(
      Reason reason,
      String detail,
      @Nullable Challenge challenge,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause,
      @Nullable RateLimitState limit)
      implements AuthOutcome {
    public Failure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** A failure without a limit. */
    public Failure(
        Reason reason,
        String detail,
        @Nullable Challenge challenge,
        @Nullable Duration retryAfter,
        @Nullable Throwable cause) {
      this(reason, detail, challenge, retryAfter, cause, null);
    }
  }

  /** Abstain without a challenge. */
  static Abstain abstain() {
    return Outcomes.ABSTAIN;
  }

  /** Abstain, offering {@code challenge} for the 401 response. */
  static Abstain abstain(Challenge challenge) {
    return new Abstain(challenge);
  }

  static Success success(Identity identity) {
    return new Success(identity);
  }

  static Failure failure(Reason reason, String detail) {
    return new Failure(reason, detail, null, null, null);
  }

  /** A failure whose 401 carries {@code challenge} with the RFC 6750 error for {@code reason}. */
  static Failure failure(Reason reason, String detail, Challenge challenge) {
    return new Failure(reason, detail, challenge.withError(reason, detail), null, null);
  }

  /** A dependency could not answer; the client may retry after {@code retryAfter}. */
  static Failure unavailable(
      String detail, @Nullable Duration retryAfter, @Nullable Throwable cause) {
    return new Failure(Reason.UNAVAILABLE, detail, null, retryAfter, cause);
  }

  /**
   * A valid credential or a client address over a limit: {@code reason} is one of the 429 reasons
   * ({@link Reason#isThrottling()}); the client may retry after {@code retryAfter}, and {@code
   * limit}, when known, becomes the {@code RateLimit-Policy} and {@code RateLimit} headers.
   */
  static Failure throttled(
      Reason reason, String detail, Duration retryAfter, @Nullable RateLimitState limit) {
    if (!reason.isThrottling()) {
      throw new IllegalArgumentException(reason + " is not a 429 reason");
    }
    Objects.requireNonNull(retryAfter, "retryAfter");
    return new Failure(reason, detail, null, retryAfter, null, limit);
  }

  /** This outcome as an already completed stage (the pipeline's fast path). */
  default CompletionStage<AuthOutcome> completed() {
    return CompletableFuture.completedFuture(this);
  }
}

/** Shared immutable outcomes. */
final class Outcomes {
  static final AuthOutcome.Abstain ABSTAIN = new AuthOutcome.Abstain(null);

  private Outcomes() {}
}
