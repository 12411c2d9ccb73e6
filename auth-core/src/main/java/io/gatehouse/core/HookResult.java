package io.gatehouse.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** What an {@link AuthHook} decided. Any {@link Deny} wins over every {@link Allow}. */
public sealed interface HookResult permits HookResult.Allow, HookResult.Deny, HookResult.Continue {

  /**
   * Let the request proceed. With an identity, it replaces the current one: enrichment of an
   * authenticated caller, or authentication of a custom scheme no authenticator claimed. Without
   * one, the current outcome stands (a request with no identity is still refused with 401).
   */
  record Allow(@Nullable Identity identity) implements HookResult {}

  /**
   * Refuse the request.
   *
   * @param reason usually {@link Reason#HOOK_DENIED}
   * @param detail a message safe to show the client
   */
  record Deny(Reason reason, String detail) implements HookResult {
    public Deny {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** No opinion. */
  record Continue() implements HookResult {}

  static HookResult allow(Identity identity) {
    return new Allow(Objects.requireNonNull(identity, "identity"));
  }

  static HookResult allow() {
    return new Allow(null);
  }

  static HookResult deny(String detail) {
    return new Deny(Reason.HOOK_DENIED, detail);
  }

  static HookResult deny(Reason reason, String detail) {
    return new Deny(reason, detail);
  }

  static HookResult proceed() {
    return new Continue();
  }

  /** This result as an already completed stage. */
  default CompletionStage<HookResult> completed() {
    return CompletableFuture.completedFuture(this);
  }
}
