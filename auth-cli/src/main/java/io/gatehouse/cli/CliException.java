package io.gatehouse.cli;

/** A failure reported as one line on stderr, with the exit code it maps to. */
class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliException usage(String message) {
    return new CliException(Main.EXIT_USAGE, message);
  }

  static CliException notFound(String message) {
    return new CliException(Main.EXIT_REFUSED, message);
  }

  static CliException unavailable(String message, Throwable cause) {
    return new CliException(Main.EXIT_UNAVAILABLE, message, cause);
  }
}
