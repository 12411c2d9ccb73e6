package io.gatehouse.cli;

/**
 * A management operation the caller may not run. The admin API answers 403 with its message; the
 * CLI exits {@value Main#EXIT_REFUSED}. The message names what is missing, never a secret.
 */
final class PermissionDenied extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PermissionDenied(String message) {
    super(message);
  }
}
