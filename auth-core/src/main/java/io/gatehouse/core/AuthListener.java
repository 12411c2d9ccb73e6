package io.gatehouse.core;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives every decision and module event, for metrics, audit logs and alerts. Called on the
 * request thread: keep it fast and non-blocking. Exceptions are logged and never affect the
 * decision.
 */
public interface AuthListener {

  /** Does nothing. */
  AuthListener NONE = new AuthListener() {};

  /** Called once per request with the final decision. */
  default void onDecision(AuthRequest request, Decision decision) {}

  /** Called for module events (JWKS fetches, cache misses, revocations...). */
  default void onEvent(AuthEvent event) {}

  /** Calls each listener in order; one that throws does not stop the others. */
  static AuthListener all(List<AuthListener> listeners) {
    List<AuthListener> copy = List.copyOf(listeners);
    return new AuthListener() {
      @Override
      public void onDecision(AuthRequest request, Decision decision) {
        for (AuthListener listener : copy) {
          Listeners.safely(listener, l -> l.onDecision(request, decision));
        }
      }

      @Override
      public void onEvent(AuthEvent event) {
        for (AuthListener listener : copy) {
          Listeners.safely(listener, l -> l.onEvent(event));
        }
      }
    };
  }

  /**
   * Wraps {@code listener} so that its exceptions are logged and swallowed; {@link #NONE} stays
   * itself, so callers can still skip building events nobody listens to.
   */
  static AuthListener safe(AuthListener listener) {
    return listener == NONE ? NONE : all(List.of(listener));
  }
}

/** Isolation of listener failures. */
final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(AuthListener.class);

  private Listeners() {}

  static void safely(AuthListener listener, java.util.function.Consumer<AuthListener> call) {
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("auth listener {} failed; ignored", listener.getClass().getName(), e);
    }
  }
}
