package io.gatehouse.core;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * User code that runs after the authenticators when none of them refused the request. It sees the
 * request and the identity (null when every authenticator abstained) and may deny, enrich, or
 * authenticate a custom scheme. Hooks never run after a failed credential: a bad credential cannot
 * be rescued.
 */
public interface AuthHook {

  /**
   * A short stable name for traces; default: the class's simple name, or {@code hook} for lambdas
   * and anonymous classes. Hooks sharing a name are told apart by their position.
   */
  default String id() {
    Class<?> type = getClass();
    return type.isSynthetic() || type.isAnonymousClass() || type.getSimpleName().contains("$")
        ? "hook"
        : type.getSimpleName();
  }

  CompletionStage<HookResult> apply(AuthContext context, @Nullable Identity identity);
}
