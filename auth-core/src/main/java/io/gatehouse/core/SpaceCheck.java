package io.gatehouse.core;

import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Decides, right after the {@link SpaceResolver}, whether requests in a resolved space may go on:
 * e.g. only the spaces a store declares, or none of a space whose settings cannot be read. Runs on
 * the request thread for every request: answer from memory, never from I/O.
 */
@FunctionalInterface
public interface SpaceCheck {

  /**
   * Null when requests in {@code space} may go on; otherwise why they are refused (see {@link
   * #unknown} and {@link #unavailable}).
   */
  AuthOutcome.@Nullable Failure check(String space, Settings settings);

  /** Refuses, with {@link Reason#UNKNOWN_SPACE}, every space for which {@code known} is false. */
  static SpaceCheck known(Predicate<String> known) {
    Objects.requireNonNull(known, "known");
    return (space, settings) -> known.test(space) ? null : unknown(space);
  }

  /** The refusal of a space this deployment does not serve. */
  static AuthOutcome.Failure unknown(String space) {
    return AuthOutcome.failure(
        Reason.UNKNOWN_SPACE, "no space '" + Redact.safe(space) + "' in this store");
  }

  /** A 503 refusal of a space that cannot be served right now, saying why. */
  static AuthOutcome.Failure unavailable(String detail) {
    return AuthOutcome.unavailable(detail, null, null);
  }
}
