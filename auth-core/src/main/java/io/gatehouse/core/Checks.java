package io.gatehouse.core;

import java.time.Duration;
import java.util.Objects;

/** Argument checks that every module's builders share, so that their messages read alike. */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code value} when it is longer than zero.
   *
   * @throws NullPointerException naming {@code name} when it is null
   * @throws IllegalArgumentException {@code "<name> must be positive, was <value>"} otherwise
   */
  public static Duration positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }
}
