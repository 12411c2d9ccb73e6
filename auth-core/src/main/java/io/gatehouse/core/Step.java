package io.gatehouse.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One stage of a decision, for {@link Decision#trace()}: which stage, what it concluded, why, and
 * how long it took. Details never hold a credential.
 *
 * @param stage {@code space}, {@code client-address}, {@code address-rules}, {@code
 *     authenticator:<id>}, {@code hook:<id>} or {@code access}
 * @param result what the stage concluded
 * @param detail why, safe to show an operator
 * @param nanos time spent in the stage, including waiting for an asynchronous answer
 */
public record Step(String stage, Result result, String detail, long nanos) {
  /** What the stage name of an authenticator's step starts with, before the authenticator's id. */
  public static final String AUTHENTICATOR_PREFIX = "authenticator:";

  public Step {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(detail, "detail");
  }

  /** The stage name of the authenticator {@code id}: {@code authenticator:<id>}. */
  public static String authenticatorStage(String id) {
    return AUTHENTICATOR_PREFIX + id;
  }

  /** The id of the authenticator whose stage this is, or null when it is another stage. */
  public @Nullable String authenticatorId() {
    return authenticatorId(stage);
  }

  /** The id of the authenticator named by stage name {@code stage}, or null when none is. */
  public static @Nullable String authenticatorId(String stage) {
    return stage.startsWith(AUTHENTICATOR_PREFIX)
        ? stage.substring(AUTHENTICATOR_PREFIX.length())
        : null;
  }

  /** What a stage concluded. */
  public enum Result {
    /** The stage let the request through to the next one. */
    PASS,
    /** An authenticator found none of its credentials. */
    ABSTAIN,
    /** An authenticator accepted the credential. */
    SUCCESS,
    /** A stage refused the request. */
    FAILURE,
    /** A hook allowed the request (possibly with an identity). */
    ALLOW,
    /** A hook denied the request. */
    DENY,
    /** A hook had no opinion. */
    CONTINUE,
    /** The stage did not run (an earlier stage decided). */
    SKIPPED
  }

  @Override
  public String toString() {
    return String.format("%-24s %-8s %8.3f ms  %s", stage, result, nanos / 1e6, detail);
  }
}
