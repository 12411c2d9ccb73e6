package io.gatehouse.jwks;

import io.gatehouse.core.Reason;

/**
 * Why a token is refused, raised inside the verification layer and turned into an {@link
 * io.gatehouse.core.AuthOutcome.Failure} at its edge. No stack trace: it is control flow on a path
 * an attacker can drive, and must stay cheap.
 */
final class Refusal extends Exception {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  Refusal(Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  Reason reason() {
    return reason;
  }

  /** The safe detail: never contains the token or a key. */
  String detail() {
    String message = getMessage();
    return message == null ? reason.code() : message;
  }
}
