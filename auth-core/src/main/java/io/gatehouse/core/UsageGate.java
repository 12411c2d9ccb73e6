package io.gatehouse.core;

import java.util.concurrent.CompletionStage;

/**
 * The last stage: usage limits on an identity that passed every other check (rate limits, credits).
 * A credential over its limit is still valid, so the refusal comes after authentication, names the
 * limit and never the secret, and keeps the identity in the {@link Decision}.
 *
 * <p>Return an already completed stage when the answer is known from memory (local buckets): the
 * pipeline then stays on the calling thread. A stage that fails, or takes longer than the stage
 * timeout, refuses the request (fail closed).
 */
public interface UsageGate {

  /** Whether {@code identity} may use one more unit now. */
  CompletionStage<UsageVerdict> check(AuthContext context, Identity identity);
}
