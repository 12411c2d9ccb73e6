package io.gatehouse.core;

import java.util.Objects;

/**
 * An {@link AddressFilter}'s answer.
 *
 * @param allowed whether the address may proceed
 * @param detail the rule that matched (or "no rules"), for the trace and the refusal
 */
public record AddressVerdict(boolean allowed, String detail) {
  public AddressVerdict {
    Objects.requireNonNull(detail, "detail");
  }

  public static AddressVerdict allow(String detail) {
    return new AddressVerdict(true, detail);
  }

  public static AddressVerdict deny(String detail) {
    return new AddressVerdict(false, detail);
  }
}
