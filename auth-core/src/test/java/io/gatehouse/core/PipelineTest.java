package io.gatehouse.core;

import static io.gatehouse.core.TestAuthenticators.fixed;
import static io.gatehouse.core.TestAuthenticators.headerTokens;
import static io.gatehouse.core.TestAuthenticators.hook;
import static io.gatehouse.core.TestAuthenticators.identity;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  static final Identity ALICE = identity("alice", Access.READ_WRITE);
  static final Identity READER = identity("reader", Access.READ);
  static final String GOOD = "good-token-123456";
  static final String BAD = "bad-token-987654321";

  static AuthRequest get(String... headers) {
    return request("GET", headers);
  }

  static AuthRequest request(String method, String... headers) {
    AuthRequest.Builder builder = AuthRequest.builder().method(method).path("/api/items");
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder.build();
  }

  static Decision decide(Gatehouse gatehouse, AuthRequest request) {
    return gatehouse.decide(request).toCompletableFuture().join();
  }

  static Authenticator tokens() {
    return headerTokens("tokens", Map.of(GOOD, ALICE, "reader-token-0001", READER));
  }

  @Nested
  class PresentedButBadCredentialsAreTerminal {
    @Test
    void aLaterAuthenticatorThatWouldAllowIsNeverAsked() {
      TestAuthenticators.Fn allowEverything = fixed("allow-everything", AuthOutcome.success(ALICE));
      Gatehouse gatehouse =
          Gatehouse.builder().authenticator(tokens()).authenticator(allowEverything).build();

      Decision decision = decide(gatehouse, get("x-token", BAD));

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.status()).isEqualTo(401);
      assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(allowEverything.calls).hasValue(0);
      assertThat(decision.trace())
          .extracting(Step::stage, Step::result)
          .contains(
              org.assertj.core.groups.Tuple.tuple("authenticator:tokens", Step.Result.FAILURE),
              org.assertj.core.groups.Tuple.tuple(
                  "authenticator:allow-everything", Step.Result.SKIPPED));
    }

    @Test
    void aHookThatWouldAllowIsNeverAsked() {
      TestAuthenticators.Hook rescuer = hook("rescuer", HookResult.allow(ALICE));
      Gatehouse gatehouse = Gatehouse.builder().authenticator(tokens()).hook(rescuer).build();

      Decision decision = decide(gatehouse, get("x-token", BAD));

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(rescuer.calls).hasValue(0);
      assertThat(decision.identity()).isNull();
    }

    @Test
    void anAsynchronousFailureIsTerminalToo() {
      TestAuthenticators.Fn slowFailure =
          new TestAuthenticators.Fn(
              "slow",
              ctx ->
                  CompletableFuture.supplyAsync(
                      () -> AuthOutcome.failure(Reason.REVOKED, "token revoked"),
                      CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS, executor)));
      TestAuthenticators.Fn allowEverything = fixed("allow", AuthOutcome.success(ALICE));
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(slowFailure)
              .authenticator(allowEverything)
              .hook(hook("rescuer", HookResult.allow(ALICE)))
              .build();

      Decision decision = decide(gatehouse, get());

      assertThat(decision.reason()).isEqualTo(Reason.REVOKED);
      assertThat(allowEverything.calls).hasValue(0);
    }

    @Test
    void theFailingAuthenticatorsChallengeCarriesTheRfc6750Error() {
      Decision decision =
          decide(Gatehouse.builder().authenticator(tokens()).build(), get("x-token", BAD));

      assertThat(decision.challenges()).hasSize(1);
      assertThat(decision.challenges().get(0).render())
          .isEqualTo(
              "ApiKey realm=\"test\", header=\"x-token\", error=\"invalid_token\","
                  + " error_description=\"unknown token\"");
    }
  }

  @Nested
  class FailClosed {
    @Test
    void anAuthenticatorThatThrowsRefusesWithInternal() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(
                  new TestAuthenticators.Fn(
                      "broken",
                      ctx -> {
                        throw new IllegalStateException("boom with " + GOOD);
                      }))
              .build();

      Decision decision = decide(gatehouse, get("x-token", GOOD));

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.status()).isEqualTo(500);
      assertThat(decision.reason()).isEqualTo(Reason.INTERNAL);
      assertThat(decision.detail())
          .isEqualTo("authenticator:broken failed (IllegalStateException)")
          .doesNotContain(GOOD);
    }

    @Test
    void aStageCompletedExceptionallyRefusesWithInternal() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(
                  new TestAuthenticators.Fn(
                      "broken", ctx -> CompletableFuture.failedFuture(new ArithmeticException())))
              .build();

      assertThat(decide(gatehouse, get()).reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void anIoFailureMeansUnavailableWithRetryAfter() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .retryAfter(Duration.ofSeconds(7))
              .authenticator(
                  new TestAuthenticators.Fn(
                      "store",
                      ctx ->
                          CompletableFuture.supplyAsync(
                              () -> {
                                throw new java.io.UncheckedIOException(
                                    new IOException("connection refused"));
                              },
                              executor)))
              .build();

      Decision decision = decide(gatehouse, get());

      assertThat(decision.status()).isEqualTo(503);
      assertThat(decision.reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(decision.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(Refusal.retryAfter(decision)).isEqualTo("7");
    }

    @Test
    void aSqlConnectionFailureMeansUnavailable() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(
                  new TestAuthenticators.Fn(
                      "db",
                      ctx ->
                          CompletableFuture.failedFuture(
                              new RuntimeException(new SQLException("down", "08001")))))
              .build();

      assertThat(decide(gatehouse, get()).reason()).isEqualTo(Reason.UNAVAILABLE);
    }

    @Test
    void anAuthenticatorThatNeverAnswersTimesOutAsUnavailable() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .stageTimeout(Duration.ofMillis(50))
              .authenticator(new TestAuthenticators.Fn("hung", ctx -> new CompletableFuture<>()))
              .build();

      Decision decision = decide(gatehouse, get());

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.status()).isEqualTo(503);
      assertThat(decision.reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(decision.detail()).isEqualTo("authenticator:hung did not answer within 50 ms");
    }

    @Test
    void aTimeoutDoesNotCancelAStageOthersMayShare() {
      CompletableFuture<AuthOutcome> shared = new CompletableFuture<>();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .stageTimeout(Duration.ofMillis(20))
              .authenticator(new TestAuthenticators.Fn("shared", ctx -> shared))
              .build();

      assertThat(decide(gatehouse, get()).reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(shared).isNotDone();
    }

    @Test
    void aNullStageOrNullOutcomeRefuses() {
      Gatehouse nullStage =
          Gatehouse.builder().authenticator(new TestAuthenticators.Fn("null", ctx -> null)).build();
      Gatehouse nullOutcome =
          Gatehouse.builder()
              .authenticator(
                  new TestAuthenticators.Fn(
                      "null", ctx -> CompletableFuture.completedFuture((AuthOutcome) null)))
              .build();

      assertThat(decide(nullStage, get()).reason()).isEqualTo(Reason.INTERNAL);
      assertThat(decide(nullOutcome, get()).reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void aHookThatThrowsRefusesWithInternal() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(
                  new TestAuthenticators.Hook(
                      "broken",
                      id -> {
                        throw new IllegalStateException();
                      }))
              .build();

      Decision decision = decide(gatehouse, get("x-token", GOOD));

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void aHookThatNeverAnswersTimesOut() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .stageTimeout(Duration.ofMillis(30))
              .authenticator(tokens())
              .hook(new TestAuthenticators.Hook("hung", id -> new CompletableFuture<>()))
              .build();

      assertThat(decide(gatehouse, get("x-token", GOOD)).reason()).isEqualTo(Reason.UNAVAILABLE);
    }

    @Test
    void failingResolversFiltersAndPoliciesRefuse() {
      Gatehouse badSpace =
          Gatehouse.builder()
              .spaceResolver(
                  r -> {
                    throw new IllegalStateException();
                  })
              .build();
      Gatehouse badResolver =
          Gatehouse.builder()
              .clientAddressResolver(
                  (r, s, st) -> {
                    throw new IllegalStateException();
                  })
              .build();
      Gatehouse badFilter =
          Gatehouse.builder()
              .addressFilter(
                  (a, s, st) -> {
                    throw new IllegalStateException();
                  })
              .build();
      Gatehouse badPolicy =
          Gatehouse.builder()
              .authenticator(tokens())
              .accessPolicy(
                  (r, i) -> {
                    throw new IllegalStateException();
                  })
              .build();

      assertThat(decide(badSpace, get()).reason()).isEqualTo(Reason.INTERNAL);
      assertThat(decide(badResolver, get()).reason()).isEqualTo(Reason.INTERNAL);
      assertThat(decide(badFilter, get()).reason()).isEqualTo(Reason.INTERNAL);
      assertThat(decide(badPolicy, get("x-token", GOOD)).reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void anIdentityOfAnotherSpaceIsRefused() {
      Identity foreign = Identity.builder("mallory", "test", "other").build();
      Gatehouse fromAuthenticator =
          Gatehouse.builder().authenticator(fixed("leaky", AuthOutcome.success(foreign))).build();
      Gatehouse fromHook =
          Gatehouse.builder().hook(hook("leaky", HookResult.allow(foreign))).build();

      assertThat(decide(fromAuthenticator, get()).reason()).isEqualTo(Reason.INTERNAL);
      assertThat(decide(fromHook, get()).reason()).isEqualTo(Reason.INTERNAL);
    }

    @Test
    void aListenerThatThrowsChangesNothing() {
      List<Decision> seen = new ArrayList<>();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .listener(
                  new AuthListener() {
                    @Override
                    public void onDecision(AuthRequest request, Decision decision) {
                      throw new IllegalStateException("listener bug");
                    }
                  })
              .listener(
                  new AuthListener() {
                    @Override
                    public void onDecision(AuthRequest request, Decision decision) {
                      seen.add(decision);
                    }
                  })
              .build();

      Decision decision = decide(gatehouse, get("x-token", GOOD));

      assertThat(decision.allowed()).isTrue();
      assertThat(seen).containsExactly(decision);
    }
  }

  @Nested
  class AllAbstain {
    @Test
    void refusesWith401AndEveryChallenge() {
      Challenge bearer = Challenge.bearer("api");
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .authenticator(fixed("jwt", AuthOutcome.abstain(bearer)))
              .authenticator(fixed("silent", AuthOutcome.abstain()))
              .build();

      Decision decision = decide(gatehouse, get());

      assertThat(decision.status()).isEqualTo(401);
      assertThat(decision.reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
      assertThat(Refusal.wwwAuthenticate(decision))
          .containsExactly("ApiKey realm=\"test\", header=\"x-token\"", "Bearer realm=\"api\"");
    }

    @Test
    void withNoAuthenticatorsAtAllTheFallbackChallengeIsOffered() {
      Decision decision = decide(Gatehouse.builder().realm("shop").build(), get());

      assertThat(decision.reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
      assertThat(Refusal.wwwAuthenticate(decision)).containsExactly("Bearer realm=\"shop\"");
    }
  }

  @Nested
  class Hooks {
    @Test
    void anyDenyWinsWhateverItsPosition() {
      for (List<HookResult> results :
          List.of(
              List.of(HookResult.allow(ALICE), HookResult.deny("closed")),
              List.of(HookResult.deny("closed"), HookResult.allow(ALICE)),
              List.of(HookResult.proceed(), HookResult.deny("closed"), HookResult.allow()))) {
        Gatehouse.Builder builder = Gatehouse.builder().authenticator(tokens());
        for (int i = 0; i < results.size(); i++) {
          builder.hook(hook("h" + i, results.get(i)));
        }

        Decision decision = decide(builder.build(), get("x-token", GOOD));

        assertThat(decision.allowed()).as("hooks %s", results).isFalse();
        assertThat(decision.status()).isEqualTo(403);
        assertThat(decision.reason()).isEqualTo(Reason.HOOK_DENIED);
        assertThat(decision.detail()).isEqualTo("closed");
      }
    }

    @Test
    void aHookMayAuthenticateAnUnclaimedRequest() {
      Identity custom =
          Identity.builder("signed-client", "signature", TestAuthenticators.SPACE).build();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(
                  new TestAuthenticators.Hook(
                      "signature",
                      id ->
                          (id == null ? HookResult.allow(custom) : HookResult.proceed())
                              .completed()))
              .build();

      Decision decision = decide(gatehouse, get("x-signature", "whatever"));

      assertThat(decision.allowed()).isTrue();
      assertThat(decision.identity()).isEqualTo(custom);
    }

    @Test
    void aHookMayEnrichTheIdentity() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(
                  new TestAuthenticators.Hook(
                      "enrich",
                      id -> HookResult.allow(id.withClaims(Map.of("tier", "gold"))).completed()))
              .build();

      Decision decision = decide(gatehouse, get("x-token", GOOD));

      assertThat(decision.identity()).isNotNull();
      assertThat(decision.identity().claims()).containsEntry("tier", "gold");
      assertThat(decision.identity().subject()).isEqualTo("alice");
    }

    @Test
    void withAllContinueTheBuiltInOutcomeStands() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(hook("a", HookResult.proceed()))
              .hook(hook("b", HookResult.allow()))
              .build();

      assertThat(decide(gatehouse, get("x-token", GOOD)).identity()).isEqualTo(ALICE);
      Decision anonymous = decide(gatehouse, get());
      assertThat(anonymous.allowed()).isFalse();
      assertThat(anonymous.reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
    }

    @Test
    void aHookSeesTheIdentityOrNone() {
      List<Object> seen = new ArrayList<>();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(
                  new TestAuthenticators.Hook(
                      "spy",
                      id -> {
                        seen.add(id == null ? "none" : id.subject());
                        return HookResult.proceed().completed();
                      }))
              .build();

      decide(gatehouse, get("x-token", GOOD));
      decide(gatehouse, get());

      assertThat(seen).containsExactly("alice", "none");
    }

    @Test
    void anAsynchronousHookDenies() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(tokens())
              .hook(
                  new TestAuthenticators.Hook(
                      "remote",
                      id ->
                          CompletableFuture.supplyAsync(
                              () -> HookResult.deny(Reason.HOOK_DENIED, "blocked by policy"),
                              executor)))
              .build();

      Decision decision = decide(gatehouse, get("x-token", GOOD));

      assertThat(decision.reason()).isEqualTo(Reason.HOOK_DENIED);
      assertThat(decision.detail()).isEqualTo("blocked by policy");
    }
  }

  @Nested
  class AccessStage {
    @Test
    void readTokensMayOnlyUseSafeMethods() {
      Gatehouse gatehouse = Gatehouse.builder().authenticator(tokens()).build();

      for (String method : List.of("GET", "HEAD", "OPTIONS")) {
        assertThat(decide(gatehouse, request(method, "x-token", "reader-token-0001")).allowed())
            .as(method)
            .isTrue();
      }
      for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
        Decision decision = decide(gatehouse, request(method, "x-token", "reader-token-0001"));
        assertThat(decision.status()).as(method).isEqualTo(403);
        assertThat(decision.reason()).isEqualTo(Reason.INSUFFICIENT_ACCESS);
        assertThat(decision.detail()).isEqualTo("access READ does not allow method " + method);
        assertThat(decision.identity()).as("who was refused, for the operator").isEqualTo(READER);
      }
      assertThat(decide(gatehouse, request("DELETE", "x-token", GOOD)).allowed()).isTrue();
    }

    @Test
    void namedPermissionsAreRequiredWhereConfigured() {
      Identity deployer =
          Identity.builder("ci", "admintoken", TestAuthenticators.SPACE)
              .access(Access.ADMIN)
              .permissions(java.util.Set.of(Permissions.DEPLOY))
              .build();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(headerTokens("admin", Map.of("deployer-token", deployer)))
              .accessPolicy(
                  AccessPolicy.byMethod()
                      .and(AccessPolicy.requirePermission("/admin/deploy", Permissions.DEPLOY))
                      .and(AccessPolicy.requirePermission("/admin/backup", Permissions.BACKUP)))
              .build();

      AuthRequest deploy =
          AuthRequest.builder()
              .method("POST")
              .path("/admin/deploy/app1")
              .header("x-token", "deployer-token")
              .build();
      AuthRequest backup =
          AuthRequest.builder()
              .method("POST")
              .path("/admin/backup")
              .header("x-token", "deployer-token")
              .build();

      assertThat(decide(gatehouse, deploy).allowed()).isTrue();
      Decision refused = decide(gatehouse, backup);
      assertThat(refused.reason()).isEqualTo(Reason.INSUFFICIENT_ACCESS);
      assertThat(refused.detail()).isEqualTo("permission 'backup' is required for /admin/backup");
    }
  }

  @Nested
  class Stages {
    @Test
    void theTraceNamesEveryStageInOrder() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .addressFilter((a, s, st) -> AddressVerdict.allow("no rules"))
              .authenticator(fixed("jwt", AuthOutcome.abstain()))
              .authenticator(tokens())
              .authenticator(fixed("later", AuthOutcome.abstain()))
              .hook(hook("audit", HookResult.proceed()))
              .build();

      Decision decision = decide(gatehouse, get("x-token", GOOD));

      assertThat(decision.trace())
          .extracting(Step::stage)
          .containsExactly(
              "space",
              "client-address",
              "address-rules",
              "authenticator:jwt",
              "authenticator:tokens",
              "authenticator:later",
              "hook:audit",
              "access");
      assertThat(decision.trace())
          .extracting(Step::result)
          .containsExactly(
              Step.Result.PASS,
              Step.Result.PASS,
              Step.Result.PASS,
              Step.Result.ABSTAIN,
              Step.Result.SUCCESS,
              Step.Result.SKIPPED,
              Step.Result.CONTINUE,
              Step.Result.PASS);
      assertThat(decision.explain()).startsWith("ALLOW alice via test access READ_WRITE");
    }

    @Test
    void theTraceHoldsNoSecretEvenWhenAStageQuotesIt() {
      String token = "ghk_secretvalue_0123456789abcdef";
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(
                  new TestAuthenticators.Fn(
                      "careless",
                      ctx ->
                          AuthOutcome.failure(
                                  Reason.UNKNOWN_CREDENTIAL,
                                  "no such token " + ctx.request().header("x-apikey"),
                                  Challenge.bearer("api"))
                              .completed()))
              .build();

      Decision decision =
          decide(gatehouse, get("x-apikey", token, "Authorization", "Bearer " + token + "x"));

      assertThat(decision.explain()).doesNotContain(token).contains("ghk_secr…(32 chars)");
      assertThat(decision.detail()).doesNotContain(token);
      assertThat(String.join(" ", Refusal.wwwAuthenticate(decision))).doesNotContain(token);
      assertThat(Refusal.problemJson(decision, true)).doesNotContain(token);
    }

    @Test
    void theSpaceResolverMayRefuse() {
      Gatehouse gatehouse =
          Gatehouse.builder().spaceResolver(SpaceResolver.fromHeader("x-space", "dev")).build();

      Decision bad = decide(gatehouse, get("x-space", "../etc"));
      Decision twice = decide(gatehouse, get("x-space", "a", "x-space", "b"));

      assertThat(bad.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(bad.space()).isEmpty();
      assertThat(twice.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(decide(gatehouse, get()).space()).isEqualTo("dev");
      assertThat(decide(gatehouse, get("x-space", "prod")).space()).isEqualTo("prod");
    }

    @Test
    void theAddressStagesMayRefuse() throws Exception {
      InetAddress blocked = InetAddress.getByAddress(new byte[] {10, 0, 0, 9});
      Gatehouse filtered =
          Gatehouse.builder()
              .authenticator(tokens())
              .addressFilter(
                  (a, s, st) ->
                      a.equals(blocked)
                          ? AddressVerdict.deny("10.0.0.9 denied by deny 10.0.0.9/32")
                          : AddressVerdict.allow("no rule"))
              .build();
      Gatehouse unresolvable =
          Gatehouse.builder()
              .clientAddressResolver(
                  (r, s, st) ->
                      AddressResolution.refused(Reason.ADDRESS_DENIED, "malformed X-Forwarded-For"))
              .build();

      Decision denied =
          decide(
              filtered,
              AuthRequest.builder().remoteAddress(blocked).header("x-token", GOOD).build());

      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.reason()).isEqualTo(Reason.ADDRESS_DENIED);
      assertThat(denied.clientAddress()).isEqualTo(blocked);
      assertThat(denied.trace().get(2).detail()).contains("deny 10.0.0.9/32");
      assertThat(decide(unresolvable, get()).reason()).isEqualTo(Reason.ADDRESS_DENIED);
    }

    @Test
    void authenticatorsSeeOneSettingsSnapshotAndTheResolvedContext() {
      SettingKey<String> greeting = SettingKey.of("test.greeting", "hello");
      SettingsHolder holder = new SettingsHolder();
      holder.update(s -> s.with(SpaceResolver.DEFAULT_SPACE, greeting, "bonjour"));
      List<String> seen = new ArrayList<>();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .settings(holder)
              .authenticator(
                  new TestAuthenticators.Fn(
                      "reader",
                      ctx -> {
                        seen.add(ctx.setting(greeting));
                        holder.update(
                            s -> s.with(SpaceResolver.DEFAULT_SPACE, greeting, "changed"));
                        seen.add(ctx.setting(greeting));
                        return AuthOutcome.abstain().completed();
                      }))
              .build();

      decide(gatehouse, get());

      assertThat(seen).containsExactly("bonjour", "bonjour");
    }
  }

  @Nested
  class Completion {
    @Test
    void aSynchronousDecisionIsAlreadyComplete() {
      CompletionStage<Decision> stage =
          Gatehouse.builder().authenticator(tokens()).build().decide(get("x-token", GOOD));

      assertThat(stage.toCompletableFuture()).isDone();
    }

    @Test
    void anAsynchronousAuthenticatorCompletesLater() {
      CompletableFuture<AuthOutcome> pending = new CompletableFuture<>();
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(new TestAuthenticators.Fn("remote", ctx -> pending))
              .build();

      CompletableFuture<Decision> decision = gatehouse.decide(get()).toCompletableFuture();
      assertThat(decision).isNotDone();
      pending.complete(AuthOutcome.success(ALICE));

      assertThat(decision.join().identity()).isEqualTo(ALICE);
    }

    @Test
    void aMinimalCompletedStageIsAccepted() {
      Gatehouse gatehouse =
          Gatehouse.builder()
              .authenticator(
                  new TestAuthenticators.Fn(
                      "minimal",
                      ctx -> CompletableFuture.completedStage(AuthOutcome.success(ALICE))))
              .build();

      assertThat(decide(gatehouse, get()).allowed()).isTrue();
    }

    @Test
    void continuationsRunOnTheResumeExecutorWhenOneIsSet() throws Exception {
      List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
      ExecutorService named =
          Executors.newSingleThreadExecutor(r -> new Thread(r, "resume-thread"));
      // Completed by this test only once the decision is known to be pending: a stage that is
      // already complete when the pipeline looks at it is synchronous, and rightly runs inline.
      CompletableFuture<AuthOutcome> remote = new CompletableFuture<>();
      try {
        Gatehouse gatehouse =
            Gatehouse.builder()
                .resumeExecutor(named)
                .authenticator(new TestAuthenticators.Fn("remote", ctx -> remote))
                .authenticator(
                    new TestAuthenticators.Fn(
                        "where",
                        ctx -> {
                          threads.add(Thread.currentThread().getName());
                          return AuthOutcome.success(ALICE).completed();
                        }))
                .build();

        CompletableFuture<Decision> decision = gatehouse.decide(get()).toCompletableFuture();
        assertThat(decision).isNotDone();
        remote.complete(AuthOutcome.abstain()); // on this thread: the rest must still hop

        assertThat(decision.get(5, TimeUnit.SECONDS).allowed()).isTrue();
        assertThat(threads).containsExactly("resume-thread");
      } finally {
        named.shutdownNow();
      }
    }
  }

  @Nested
  class BuilderValidation {
    @Test
    void duplicateIdsAndBadDurationsAreRefusedWithTheValueNamed() {
      Gatehouse.Builder builder =
          Gatehouse.builder().authenticator(fixed("dup", AuthOutcome.abstain()));

      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> builder.authenticator(fixed("dup", AuthOutcome.abstain())))
          .hasMessage("two authenticators have the id 'dup'");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Gatehouse.builder().stageTimeout(Duration.ZERO))
          .hasMessage("stageTimeout must be positive, was PT0S");
      Decision decision =
          decide(
              Gatehouse.builder()
                  .hook(hook("same", HookResult.proceed()))
                  .hook(hook("same", HookResult.proceed()))
                  .hook((ctx, id) -> HookResult.proceed().completed())
                  .build(),
              get());
      assertThat(decision.trace())
          .extracting(Step::stage)
          .contains("hook:same", "hook:same#2", "hook:hook");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpaceResolver.fixed("no spaces"))
          .hasMessageContaining("invalid space name 'no spaces'");
    }
  }
}
