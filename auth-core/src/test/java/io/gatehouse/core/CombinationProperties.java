package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's combination rules, checked against a small reference model over random sequences
 * of authenticator outcomes, hook results, request methods and sync/async completion.
 */
class CombinationProperties {

  enum AuthBehaviour {
    ABSTAIN,
    SUCCEED_READ,
    SUCCEED_READ_WRITE,
    FAIL_UNKNOWN,
    FAIL_EXPIRED,
    FAIL_UNAVAILABLE,
    THROW
  }

  enum HookBehaviour {
    CONTINUE,
    ALLOW,
    AUTHENTICATE,
    DENY,
    THROW
  }

  static final Identity FROM_AUTHENTICATOR_READ =
      TestAuthenticators.identity("reader", Access.READ);
  static final Identity FROM_AUTHENTICATOR_RW =
      TestAuthenticators.identity("writer", Access.READ_WRITE);
  static final Identity FROM_HOOK = TestAuthenticators.identity("hooked", Access.READ_WRITE);

  @Property(tries = 600)
  void theDecisionMatchesTheModel(
      @ForAll @Size(max = 4) List<AuthBehaviour> authenticators,
      @ForAll @Size(max = 3) List<HookBehaviour> hooks,
      @ForAll boolean post,
      @ForAll boolean async) {
    List<Integer> hookCalls = new ArrayList<>();
    Gatehouse gatehouse = build(authenticators, hooks, async, hookCalls);
    AuthRequest request = AuthRequest.builder().method(post ? "POST" : "GET").build();

    Decision decision = gatehouse.decide(request).toCompletableFuture().join();
    Expected expected = model(authenticators, hooks, post);

    assertThat(decision.reason()).isEqualTo(expected.reason);
    assertThat(decision.allowed()).isEqualTo(expected.reason == null);
    assertThat(decision.status())
        .isEqualTo(expected.reason == null ? 200 : expected.reason.status());
    if (decision.allowed()) {
      assertThat(decision.identity()).isEqualTo(expected.identity);
    }
    if (expected.hooksSkipped) {
      assertThat(hookCalls).as("hooks must not run after a refused credential").isEmpty();
    }
    assertThat(decision.trace())
        .as("every configured stage appears in the trace")
        .hasSize(3 + authenticators.size() + hooks.size() + (expected.reachedAccess ? 1 : 0));
  }

  @Property(tries = 300)
  void aRefusedCredentialIsNeverRescued(
      @ForAll @Size(max = 3) List<AuthBehaviour> before,
      @ForAll @Size(max = 3) List<AuthBehaviour> after,
      @ForAll @Size(max = 3) List<HookBehaviour> hooks,
      @ForAll boolean async) {
    List<AuthBehaviour> abstaining = before.stream().map(b -> AuthBehaviour.ABSTAIN).toList();
    List<AuthBehaviour> all = new ArrayList<>(abstaining);
    all.add(AuthBehaviour.FAIL_UNKNOWN);
    all.addAll(after);

    Decision decision =
        build(all, hooks, async, new ArrayList<>())
            .decide(AuthRequest.builder().build())
            .toCompletableFuture()
            .join();

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
  }

  private record Expected(
      @Nullable Reason reason,
      @Nullable Identity identity,
      boolean hooksSkipped,
      boolean reachedAccess) {}

  private static Expected model(
      List<AuthBehaviour> authenticators, List<HookBehaviour> hooks, boolean post) {
    Identity identity = null;
    for (AuthBehaviour behaviour : authenticators) {
      if (behaviour == AuthBehaviour.ABSTAIN) {
        continue;
      }
      Reason refused =
          switch (behaviour) {
            case FAIL_UNKNOWN -> Reason.UNKNOWN_CREDENTIAL;
            case FAIL_EXPIRED -> Reason.EXPIRED;
            case FAIL_UNAVAILABLE -> Reason.UNAVAILABLE;
            case THROW -> Reason.INTERNAL;
            default -> null;
          };
      if (refused != null) {
        return new Expected(refused, null, true, false);
      }
      identity =
          behaviour == AuthBehaviour.SUCCEED_READ ? FROM_AUTHENTICATOR_READ : FROM_AUTHENTICATOR_RW;
      break; // the first success wins
    }
    for (HookBehaviour behaviour : hooks) {
      if (behaviour == HookBehaviour.DENY) {
        return new Expected(Reason.HOOK_DENIED, null, false, false);
      }
      if (behaviour == HookBehaviour.THROW) {
        return new Expected(Reason.INTERNAL, null, false, false);
      }
      if (behaviour == HookBehaviour.AUTHENTICATE) {
        identity = FROM_HOOK;
      }
    }
    if (identity == null) {
      return new Expected(Reason.MISSING_CREDENTIALS, null, false, true);
    }
    if (post && identity.access() == Access.READ) {
      return new Expected(Reason.INSUFFICIENT_ACCESS, identity, false, true);
    }
    return new Expected(null, identity, false, true);
  }

  private static Gatehouse build(
      List<AuthBehaviour> authenticators,
      List<HookBehaviour> hooks,
      boolean async,
      List<Integer> hookCalls) {
    Executor executor = ForkJoinPool.commonPool();
    Gatehouse.Builder builder = Gatehouse.builder();
    for (int i = 0; i < authenticators.size(); i++) {
      AuthBehaviour behaviour = authenticators.get(i);
      builder.authenticator(
          new TestAuthenticators.Fn(
              "a" + i, ctx -> maybeAsync(outcome(behaviour), async, executor)));
    }
    for (int i = 0; i < hooks.size(); i++) {
      HookBehaviour behaviour = hooks.get(i);
      int index = i;
      builder.hook(
          new TestAuthenticators.Hook(
              "h" + i,
              identity -> {
                hookCalls.add(index);
                return maybeAsync(result(behaviour), async, executor);
              }));
    }
    return builder.build();
  }

  private static AuthOutcome outcome(AuthBehaviour behaviour) {
    return switch (behaviour) {
      case ABSTAIN -> AuthOutcome.abstain();
      case SUCCEED_READ -> AuthOutcome.success(FROM_AUTHENTICATOR_READ);
      case SUCCEED_READ_WRITE -> AuthOutcome.success(FROM_AUTHENTICATOR_RW);
      case FAIL_UNKNOWN -> AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown");
      case FAIL_EXPIRED -> AuthOutcome.failure(Reason.EXPIRED, "expired");
      case FAIL_UNAVAILABLE -> AuthOutcome.unavailable("store down", null, null);
      case THROW -> throw new IllegalStateException("authenticator bug");
    };
  }

  private static HookResult result(HookBehaviour behaviour) {
    return switch (behaviour) {
      case CONTINUE -> HookResult.proceed();
      case ALLOW -> HookResult.allow();
      case AUTHENTICATE -> HookResult.allow(FROM_HOOK);
      case DENY -> HookResult.deny("denied");
      case THROW -> throw new IllegalStateException("hook bug");
    };
  }

  /** Synchronous: the value (or the exception, thrown). Async: completed on another thread. */
  private static <T> CompletionStage<T> maybeAsync(T value, boolean async, Executor executor) {
    return async
        ? CompletableFuture.supplyAsync(() -> value, executor)
        : CompletableFuture.completedFuture(value);
  }
}
