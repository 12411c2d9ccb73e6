package io.gatehouse.admin;

/**
 * A management operation that could not be done, with the kind of failure: the admin API answers
 * its {@link Kind#status()}, the CLI maps it to an exit code. Bad arguments are {@link
 * IllegalArgumentException}s instead. The message names what went wrong, never a secret.
 */
public class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure, and its HTTP status. */
  public enum Kind {
    /** The caller may not do this (a missing permission). */
    FORBIDDEN(403),
    /** No such token, issuer or space. */
    NOT_FOUND(404),
    /** The target is in use: e.g. removing a space that still has live tokens or settings. */
    CONFLICT(409),
    /** The store, or the server in remote mode, could not be reached: try again. */
    UNAVAILABLE(503);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /** The HTTP status the admin API answers. */
    public int status() {
      return status;
    }
  }

  private final Kind kind;

  public AdminException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public AdminException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static AdminException notFound(String message) {
    return new AdminException(Kind.NOT_FOUND, message);
  }

  static AdminException unavailable(String message, Throwable cause) {
    return new AdminException(Kind.UNAVAILABLE, message, cause);
  }
}
