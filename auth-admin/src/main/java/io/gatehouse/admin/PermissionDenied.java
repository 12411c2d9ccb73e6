package io.gatehouse.admin;

/**
 * A management operation the caller may not run. The admin API answers 403 with its message; the
 * CLI exits 1. The message names what is missing, never a secret.
 */
public final class PermissionDenied extends AdminException {
  private static final long serialVersionUID = 1L;

  public PermissionDenied(String message) {
    super(Kind.FORBIDDEN, message);
  }
}
