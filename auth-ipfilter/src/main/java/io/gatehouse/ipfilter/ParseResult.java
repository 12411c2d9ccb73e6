package io.gatehouse.ipfilter;

import java.util.Objects;

/**
 * The result of parsing request data: either a value or the precise reason it was refused. Parsing
 * request data never throws.
 *
 * @param <T> the parsed type
 */
public sealed interface ParseResult<T> permits ParseResult.Ok, ParseResult.Invalid {

  /** The input parsed to {@code value}. */
  record Ok<T>(T value) implements ParseResult<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The input was refused; {@code reason} quotes it (made safe) and says what is wrong. */
  record Invalid<T>(String reason) implements ParseResult<T> {
    public Invalid {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static <T> ParseResult<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> ParseResult<T> invalid(String reason) {
    return new Invalid<>(reason);
  }

  default boolean isValid() {
    return this instanceof Ok;
  }

  /**
   * The value, for configuration code.
   *
   * @throws IllegalArgumentException with the reason, when invalid
   */
  default T orElseThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalArgumentException(((Invalid<T>) this).reason());
  }
}
