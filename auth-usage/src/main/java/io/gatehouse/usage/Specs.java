package io.gatehouse.usage;

import io.gatehouse.core.Redact;

/** Shared bits of the spec parsers: whole numbers with precise messages, safe quoting. */
final class Specs {
  private static final int LONGEST_QUOTED = 40;

  private Specs() {}

  /** A whole number from 0 to {@code max}; {@code what} names it in messages. */
  static long number(String text, String what, long max) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (text.charAt(0) == '-') {
      throw new IllegalArgumentException(what + " cannot be negative, was " + quote(text));
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            what + " must be a whole number, was '" + quote(text) + "'");
      }
    }
    // Leading zeros are allowed, so the length alone says nothing: compare after stripping them.
    String digits = text.replaceFirst("^0+(?=.)", "");
    if (digits.length() > 18 || Long.parseLong(digits) > max) {
      throw new IllegalArgumentException(
          what + " is too large (at most " + max + "), was " + quote(text));
    }
    return Long.parseLong(digits);
  }

  /** {@code text} made safe for a message: printable, and cut when long. */
  static String quote(String text) {
    String safe = Redact.safe(text);
    return safe.length() > LONGEST_QUOTED ? safe.substring(0, LONGEST_QUOTED) + "..." : safe;
  }
}
