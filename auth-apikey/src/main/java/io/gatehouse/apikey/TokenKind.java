package io.gatehouse.apikey;

import io.gatehouse.core.Access;

/** The two kinds of Gatehouse tokens, told apart by their prefix. */
public enum TokenKind {
  /** An API token ({@code ghk_...}): READ or READ_WRITE access. */
  API("ghk_", "apikey"),
  /** An admin token ({@code gha_...}): {@link Access#ADMIN} with named permissions. */
  ADMIN("gha_", "admintoken");

  private static final TokenKind[] KINDS = values();

  private final String prefix;
  private final String method;

  TokenKind(String prefix, String method) {
    this.prefix = prefix;
    this.method = method;
  }

  /** The typed prefix every token of this kind starts with, e.g. {@code ghk_}. */
  public String prefix() {
    return prefix;
  }

  /**
   * The default authenticator id, and so the identity's method: {@code apikey}, {@code admintoken}.
   */
  public String method() {
    return method;
  }

  /** The kind whose prefix {@code text} starts with, or null. */
  static @org.jspecify.annotations.Nullable TokenKind ofPrefix(String text) {
    for (TokenKind kind : KINDS) {
      if (text.startsWith(kind.prefix)) {
        return kind;
      }
    }
    return null;
  }
}
