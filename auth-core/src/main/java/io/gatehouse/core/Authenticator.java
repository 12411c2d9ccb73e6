package io.gatehouse.core;

import java.util.concurrent.CompletionStage;

/**
 * Recognises and checks one kind of credential. Implementations return {@link AuthOutcome.Abstain}
 * when the request carries none of their credentials, {@link AuthOutcome.Success} when it carries a
 * valid one and {@link AuthOutcome.Failure} otherwise.
 *
 * <p>Return an already completed {@link java.util.concurrent.CompletableFuture} when no I/O is
 * needed (the cached case): the pipeline then decides without any thread hop. Never block the
 * calling thread: it may be a Netty event loop. Exceptions, thrown or in the stage, refuse the
 * request ({@link Reason#INTERNAL}, or {@link Reason#UNAVAILABLE} for I/O and timeouts).
 */
public interface Authenticator {

  /** A short stable name for traces and identities, e.g. {@code apikey}, {@code jwt}. */
  String id();

  CompletionStage<AuthOutcome> authenticate(AuthContext context);
}
