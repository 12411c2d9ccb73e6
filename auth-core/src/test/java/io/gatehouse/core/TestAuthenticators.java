package io.gatehouse.core;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Small authenticators and hooks for pipeline tests; they use only the public SPI. */
final class TestAuthenticators {
  private TestAuthenticators() {}

  static final String SPACE = SpaceResolver.DEFAULT_SPACE;

  static Identity identity(String subject, Access access) {
    return Identity.builder(subject, "test", SPACE).access(access).build();
  }

  /** An authenticator defined by a function, counting its calls. */
  static final class Fn implements Authenticator {
    final String id;
    final Function<AuthContext, CompletionStage<AuthOutcome>> body;
    final AtomicInteger calls = new AtomicInteger();

    Fn(String id, Function<AuthContext, CompletionStage<AuthOutcome>> body) {
      this.id = id;
      this.body = body;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
      calls.incrementAndGet();
      return body.apply(context);
    }
  }

  static Fn fixed(String id, AuthOutcome outcome) {
    return new Fn(id, ctx -> CompletableFuture.completedFuture(outcome));
  }

  /**
   * A header-token authenticator: abstains without header {@code x-token}; known tokens succeed;
   * others fail with UNKNOWN_CREDENTIAL.
   */
  static Fn headerTokens(String id, Map<String, Identity> tokens) {
    Challenge challenge = Challenge.apiKey("test", "x-token");
    return new Fn(
        id,
        ctx -> {
          String token = ctx.request().header("x-token");
          if (token == null) {
            return AuthOutcome.abstain(challenge).completed();
          }
          Identity identity = tokens.get(token);
          return (identity == null
                  ? AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown token", challenge)
                  : AuthOutcome.success(identity))
              .completed();
        });
  }

  /** A hook defined by a function, counting its calls. */
  static final class Hook implements AuthHook {
    final String id;
    final Function<Identity, CompletionStage<HookResult>> body;
    final AtomicInteger calls = new AtomicInteger();

    Hook(String id, Function<Identity, CompletionStage<HookResult>> body) {
      this.id = id;
      this.body = body;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public CompletionStage<HookResult> apply(AuthContext context, Identity identity) {
      calls.incrementAndGet();
      return body.apply(identity);
    }
  }

  static Hook hook(String id, HookResult result) {
    return new Hook(id, identity -> result.completed());
  }
}
