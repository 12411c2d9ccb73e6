package io.gatehouse.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns exceptions from stages into refusals: fail closed, with the most precise reason. */
final class Failures {
  private Failures() {}

  /** The exception behind the {@link CompletionException} wrappers. */
  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * A failure for {@code stage} that threw or completed with {@code error}. Timeouts and I/O mean a
   * dependency is down ({@link Reason#UNAVAILABLE}); anything else is a bug ({@link
   * Reason#INTERNAL}). The detail names the exception class, never its message, which might quote a
   * credential.
   */
  static AuthOutcome.Failure fromThrowable(
      String stage, Throwable error, Duration timeout, Duration retryAfter) {
    Throwable cause = unwrap(error);
    if (cause instanceof TimeoutException) {
      return new AuthOutcome.Failure(
          Reason.UNAVAILABLE,
          stage + " did not answer within " + timeout.toMillis() + " ms",
          null,
          retryAfter,
          cause);
    }
    if (isDependencyDown(cause)) {
      Pipeline.LOG.warn("{} could not reach a dependency; refusing with 503", stage, cause);
      return new AuthOutcome.Failure(
          Reason.UNAVAILABLE,
          stage + " could not reach a dependency (" + cause.getClass().getSimpleName() + ")",
          null,
          retryAfter,
          cause);
    }
    Pipeline.LOG.warn("{} failed; refusing the request (fail closed)", stage, cause);
    String what = cause instanceof CancellationException ? "was cancelled" : "failed";
    return new AuthOutcome.Failure(
        Reason.INTERNAL,
        stage + " " + what + " (" + cause.getClass().getSimpleName() + ")",
        null,
        null,
        cause);
  }

  private static boolean isDependencyDown(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IOException
          || t instanceof UncheckedIOException
          || t instanceof SQLTransientException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      // SQLState class 08: connection exception (SQL:2016, used by H2 and PostgreSQL).
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
