package io.gatehouse.core;

import static io.gatehouse.core.PipelineTest.ALICE;
import static io.gatehouse.core.PipelineTest.BAD;
import static io.gatehouse.core.PipelineTest.GOOD;
import static io.gatehouse.core.PipelineTest.decide;
import static io.gatehouse.core.PipelineTest.tokens;
import static io.gatehouse.core.TestAuthenticators.hook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The two usage stages: the credential throttle before the authenticators, the gate after access.
 */
class UsageStagesTest {
  static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  static final RateLimitState OVER =
      new RateLimitState("100-per-1m", 100, Duration.ofMinutes(1), 0, Duration.ofMillis(12_300));

  static AuthRequest request(String method, String... headers) {
    return PipelineTest.request(method, headers);
  }

  /** A throttle that refuses once it has counted {@code budget} refusals, and records each call. */
  static final class CountingThrottle implements CredentialThrottle {
    final int budget;
    final List<Reason> counted = new ArrayList<>();
    int admits;

    CountingThrottle(int budget) {
      this.budget = budget;
    }

    @Override
    public AuthOutcome.@Nullable Failure admit(
        InetAddress client, String space, Settings settings, Instant now) {
      admits++;
      return counted.size() < budget
          ? null
          : AuthOutcome.throttled(
              Reason.THROTTLED,
              "too many refused credentials from this address",
              Duration.ofSeconds(3),
              null);
    }

    @Override
    public void refused(
        InetAddress client, String space, Reason reason, Settings settings, Instant now) {
      counted.add(reason);
    }
  }

  @Nested
  class CredentialThrottleStage {
    @Test
    void anAddressOverItsBudgetIsRefusedBeforeAnyAuthenticatorRuns() {
      CountingThrottle throttle = new CountingThrottle(2);
      AtomicInteger authenticatorCalls = new AtomicInteger();
      Authenticator counting =
          new Authenticator() {
            @Override
            public String id() {
              return "tokens";
            }

            @Override
            public java.util.concurrent.CompletionStage<AuthOutcome> authenticate(AuthContext ctx) {
              authenticatorCalls.incrementAndGet();
              return tokens().authenticate(ctx);
            }
          };
      Gatehouse gatehouse =
          Gatehouse.builder().credentialThrottle(throttle).authenticator(counting).build();

      assertThat(decide(gatehouse, request("GET", "x-token", BAD)).reason())
          .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(decide(gatehouse, request("GET", "x-token", BAD)).reason())
          .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      Decision third = decide(gatehouse, request("GET", "x-token", GOOD));

      assertThat(third.status()).isEqualTo(429);
      assertThat(third.reason()).isEqualTo(Reason.THROTTLED);
      assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(3));
      assertThat(Refusal.retryAfter(third)).isEqualTo("3");
      assertThat(third.identity()).isNull();
      assertThat(authenticatorCalls).hasValue(2);
      assertThat(third.trace().get(third.trace().size() - 1).stage()).isEqualTo("throttle");
      assertThat(throttle.counted)
          .containsExactly(Reason.UNKNOWN_CREDENTIAL, Reason.UNKNOWN_CREDENTIAL);
    }

    @Test
    void onlyRefusedCredentialsAreCountedNotMissingOnesHookDenialsOrSuccesses() {
      CountingThrottle throttle = new CountingThrottle(100);
      Gatehouse gatehouse =
          Gatehouse.builder()
              .credentialThrottle(throttle)
              .authenticator(tokens())
              .hook(
                  new AuthHook() {
                    @Override
                    public String id() {
                      return "no-deletes";
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<HookResult> apply(
                        AuthContext ctx, @Nullable Identity identity) {
                      return CompletableFuture.completedFuture(
                          ctx.request().method().equals("DELETE")
                              ? new HookResult.Deny(Reason.HOOK_DENIED, "no deletes")
                              : HookResult.proceed());
                    }
                  })
              .build();

      assertThat(decide(gatehouse, request("GET")).reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
      assertThat(decide(gatehouse, request("GET", "x-token", GOOD)).allowed()).isTrue();
      assertThat(decide(gatehouse, request("DELETE", "x-token", GOOD)).reason())
          .isEqualTo(Reason.HOOK_DENIED);
      assertThat(throttle.counted).isEmpty();
      assertThat(decide(gatehouse, request("GET", "x-token", BAD)).reason())
          .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(throttle.counted).containsExactly(Reason.UNKNOWN_CREDENTIAL);
      assertThat(throttle.admits).isEqualTo(4);
    }

    @Test
    void aThrottleThatThrowsRefusesTheRequest() {
      CredentialThrottle broken =
          new CredentialThrottle() {
            @Override
            public AuthOutcome.@Nullable Failure admit(
                InetAddress client, String space, Settings settings, Instant now) {
              throw new IllegalStateException("broken");
            }

            @Override
            public void refused(
                InetAddress client, String space, Reason reason, Settings settings, Instant now) {}
          };
      Decision decision =
          decide(
              Gatehouse.builder().credentialThrottle(broken).authenticator(tokens()).build(),
              request("GET", "x-token", GOOD));

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void aThrottleThatThrowsWhileCountingKeepsTheDecision() {
      CredentialThrottle broken =
          new CredentialThrottle() {
            @Override
            public AuthOutcome.@Nullable Failure admit(
                InetAddress client, String space, Settings settings, Instant now) {
              return null;
            }

            @Override
            public void refused(
                InetAddress client, String space, Reason reason, Settings settings, Instant now) {
              throw new IllegalStateException("broken");
            }
          };
      Decision decision =
          decide(
              Gatehouse.builder().credentialThrottle(broken).authenticator(tokens()).build(),
              request("GET", "x-token", BAD));

      assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    }

    @Test
    void withoutAThrottleTheTraceHasNoThrottleStage() {
      Decision decision =
          decide(
              Gatehouse.builder().authenticator(tokens()).build(), request("GET", "x-token", GOOD));

      assertThat(decision.trace()).extracting(Step::stage).doesNotContain("throttle", "usage");
    }
  }

  @Nested
  class UsageGateStage {
    @Test
    void aRefusalKeepsTheIdentityAndCarriesRetryAfterAndTheLimit() {
      UsageGate full =
          (ctx, identity) ->
              CompletableFuture.completedFuture(
                  UsageVerdict.refuse(
                      AuthOutcome.throttled(
                          Reason.RATE_LIMITED,
                          "over its limit of 100 requests per 1m",
                          OVER.reset(),
                          OVER)));
      Decision decision =
          decide(
              Gatehouse.builder().authenticator(tokens()).usageGate(full).build(),
              request("GET", "x-token", GOOD));

      assertThat(decision.status()).isEqualTo(429);
      assertThat(decision.reason()).isEqualTo(Reason.RATE_LIMITED);
      assertThat(decision.identity()).isEqualTo(ALICE);
      assertThat(decision.challenges()).isEmpty();
      assertThat(Refusal.retryAfter(decision)).isEqualTo("13");
      assertThat(Refusal.rateLimitPolicy(decision)).isEqualTo("\"100-per-1m\";q=100;w=60");
      assertThat(Refusal.rateLimit(decision)).isEqualTo("\"100-per-1m\";r=0;t=13");
      assertThat(Refusal.title(decision.status())).isEqualTo("Too Many Requests");
      assertThat(Refusal.problemJson(decision, true))
          .contains("\"status\":429", "\"code\":\"rate_limited\"", "100 requests per 1m")
          .doesNotContain(GOOD);
      assertThat(decision.explain())
          .containsPattern("usage +FAILURE .*rate_limited: over its limit");
    }

    @Test
    void anAdmissionWithAStateIsToldOnTheAllowedDecision() {
      RateLimitState left = new RateLimitState("uses", 1000, null, 999, Duration.ZERO);
      Decision decision =
          decide(
              Gatehouse.builder()
                  .authenticator(tokens())
                  .usageGate(
                      (ctx, identity) ->
                          CompletableFuture.completedFuture(UsageVerdict.admit(left)))
                  .build(),
              request("GET", "x-token", GOOD));

      assertThat(decision.allowed()).isTrue();
      assertThat(decision.rateLimit()).isEqualTo(left);
      assertThat(Refusal.rateLimitPolicy(decision)).isEqualTo("\"uses\";q=1000");
      assertThat(Refusal.rateLimit(decision)).isEqualTo("\"uses\";r=999;t=0");
      assertThat(decision.trace().get(decision.trace().size() - 1))
          .satisfies(
              step -> {
                assertThat(step.stage()).isEqualTo("usage");
                assertThat(step.detail()).isEqualTo("limit uses: 999 of 1000 left");
              });
    }

    @Test
    void theGateRunsOnlyWhenAccessPassed() {
      AtomicInteger calls = new AtomicInteger();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .usageGate(
                  (ctx, identity) -> {
                    calls.incrementAndGet();
                    return CompletableFuture.completedFuture(UsageVerdict.admit());
                  })
              .build();

      assertThat(decide(gatehouse, request("POST", "x-token", "reader-token-0001")).reason())
          .isEqualTo(Reason.INSUFFICIENT_ACCESS);
      assertThat(decide(gatehouse, request("GET", "x-token", BAD)).reason())
          .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(decide(gatehouse, request("GET")).reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
      assertThat(calls).hasValue(0);
      assertThat(decide(gatehouse, request("GET", "x-token", GOOD)).allowed()).isTrue();
      assertThat(calls).hasValue(1);
    }

    @Test
    void aPendingGateResumesTheRunOnceAndRecordsAccessOnce() {
      CompletableFuture<UsageVerdict> later = new CompletableFuture<>();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(hook("noop", HookResult.proceed()))
              .usageGate((ctx, identity) -> later)
              .build();

      CompletableFuture<Decision> pending =
          gatehouse.decide(request("GET", "x-token", GOOD)).toCompletableFuture();
      assertThat(pending).isNotDone();
      later.complete(UsageVerdict.admit());

      Decision decision = pending.join();
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.trace())
          .extracting(Step::stage)
          .containsExactly(
              "space",
              "client-address",
              "address-rules",
              "authenticator:tokens",
              "hook:noop",
              "access",
              "usage");
    }

    @Test
    void aGateThatFailsOrReturnsNothingRefusesTheRequest() {
      Decision failed =
          decide(
              Gatehouse.builder()
                  .authenticator(tokens())
                  .usageGate(
                      (ctx, identity) ->
                          CompletableFuture.failedFuture(
                              new java.sql.SQLTransientConnectionException("down")))
                  .build(),
              request("GET", "x-token", GOOD));
      Decision nothing =
          decide(
              Gatehouse.builder()
                  .authenticator(tokens())
                  .usageGate((ctx, identity) -> CompletableFuture.completedFuture(null))
                  .build(),
              request("GET", "x-token", GOOD));

      assertThat(failed.allowed()).isFalse();
      assertThat(failed.reason()).isIn(Reason.UNAVAILABLE, Reason.INTERNAL);
      assertThat(nothing.allowed()).isFalse();
      assertThat(nothing.reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void aGateThatNeverAnswersTimesOut() {
      Decision decision =
          Gatehouse.builder()
              .authenticator(tokens())
              .stageTimeout(Duration.ofMillis(50))
              .usageGate((ctx, identity) -> new CompletableFuture<>())
              .build()
              .decide(request("GET", "x-token", GOOD))
              .toCompletableFuture()
              .join();

      assertThat(decision.reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(decision.detail()).contains("usage");
    }
  }

  @Nested
  class Values {
    @Test
    void throttledFailuresNeedA429Reason() {
      assertThatThrownBy(
              () ->
                  AuthOutcome.throttled(
                      Reason.UNKNOWN_CREDENTIAL, "x", Duration.ofSeconds(1), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("UNKNOWN_CREDENTIAL");
      assertThat(Reason.THROTTLED.isThrottling()).isTrue();
      assertThat(Reason.RATE_LIMITED.status()).isEqualTo(429);
      assertThat(Reason.USAGE_EXCEEDED.code()).isEqualTo("usage_exceeded");
      assertThat(Reason.BROWSER_REFUSED.status()).isEqualTo(403);
      assertThat(Reason.MISSING_CREDENTIALS.isCredentialFailure()).isFalse();
      assertThat(Reason.BAD_SIGNATURE.isCredentialFailure()).isTrue();
      assertThat(Reason.THROTTLED.isCredentialFailure()).isFalse();
    }

    @Test
    void policyNamesAreCheckedSoTheHeaderIsAlwaysWellFormed() {
      assertThatThrownBy(
              () -> new RateLimitState("a\"b", 1, Duration.ofSeconds(1), 0, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("policy name");
      assertThatThrownBy(() -> new RateLimitState("p", -1, null, 0, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RateLimitState("p", 1, Duration.ZERO, 0, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(new RateLimitState("p", 1, null, 0, Duration.ofSeconds(-5)).reset())
          .isEqualTo(Duration.ZERO);
    }

    @Test
    void decisionsRefusedOutsideThePipelineKeepRetryAfterFor429() {
      Decision decision = Decision.refusal(Reason.THROTTLED, "slow down", Duration.ofSeconds(2));
      assertThat(Refusal.retryAfter(decision)).isEqualTo("2");
      assertThat(Decision.refusal(Reason.MALFORMED, "x", Duration.ofSeconds(2)).retryAfter())
          .isNull();
    }
  }
}
