package io.gatehouse.core;

import java.util.Collection;

/**
 * Makes values safe for logs, traces and error messages: secrets are cut to a short prefix, and
 * request data loses control characters (no log injection) and excess length.
 */
public final class Redact {
  /** Longest request-derived text kept by {@link #safe(String)}. */
  public static final int MAX_SAFE_LENGTH = 120;

  private Redact() {}

  /**
   * A secret reduced to a recognisable prefix and its length, e.g. {@code gh_ab…(44 chars)}. At
   * most a quarter of the value, and never more than 8 characters, is shown.
   */
  public static String secret(String secret) {
    int shown = Math.min(8, secret.length() / 4);
    return safe(secret.substring(0, shown)) + "…(" + secret.length() + " chars)";
  }

  /**
   * Request-derived text made printable: control and non-ASCII characters become {@code ?}, and
   * text longer than {@value #MAX_SAFE_LENGTH} characters is cut with its length noted.
   */
  public static String safe(String text) {
    int limit = Math.min(text.length(), MAX_SAFE_LENGTH);
    StringBuilder out = new StringBuilder(limit + 16);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (text.length() > limit) {
      out.append("…(").append(text.length()).append(" chars)");
    }
    return out.toString();
  }

  /**
   * {@code text} with every occurrence of each secret (of at least 6 characters) replaced by {@link
   * #secret(String)}: a last line of defence for messages that might echo a credential.
   */
  public static String scrub(String text, Collection<String> secrets) {
    String out = text;
    for (String secret : secrets) {
      if (secret.length() >= 6 && out.contains(secret)) {
        out = out.replace(secret, secret(secret));
      }
    }
    return out;
  }
}
