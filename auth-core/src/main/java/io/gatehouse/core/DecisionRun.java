package io.gatehouse.core;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One request's way through the {@link Pipeline}. The stages run in a loop on the calling thread
 * while they answer synchronously; when one returns an incomplete stage the run suspends and
 * resumes in that stage's completion, so no thread is ever blocked and the synchronous case
 * allocates no future beyond the completed result.
 *
 * <p>State is confined: only one stage is pending at a time, and each resumption happens after
 * (happens-before, through the future) the suspension that preceded it.
 */
final class DecisionRun {
  private final Pipeline pipeline;
  private final AuthRequest request;
  private final Settings settings;
  private final Instant now;
  private final List<Step> trace = new ArrayList<>(8);
  private final List<Challenge> challenges = new ArrayList<>(2);

  private String space = "";
  private @Nullable InetAddress clientAddress;
  private @Nullable AuthContext context;
  private @Nullable Identity identity;
  private int authIndex;
  private int hookIndex;
  private boolean accessPassed;
  private long stageStart;
  private @Nullable CompletableFuture<Decision> async;

  DecisionRun(Pipeline pipeline, AuthRequest request) {
    this.pipeline = pipeline;
    this.request = request;
    this.settings = pipeline.settings.get();
    this.now = pipeline.clock.instant();
  }

  CompletionStage<Decision> start() {
    Decision decision = resolveSpaceAndAddress();
    if (decision == null) {
      decision = advance();
    }
    if (decision != null) {
      Decision done = finish(decision);
      return async != null ? async : CompletableFuture.completedFuture(done);
    }
    // Suspended: a pending stage will complete `async`. It may have done so already.
    return requireAsync();
  }

  // ---- space, client address, address rules: synchronous by contract ----

  private @Nullable Decision resolveSpaceAndAddress() {
    startStage();
    String resolved;
    try {
      resolved = pipeline.spaceResolver.resolve(request);
    } catch (Throwable t) {
      return refuse("space", failure("space resolver", t));
    }
    if (resolved == null || !pipeline.isValidSpace(resolved)) {
      return refuse(
          "space", AuthOutcome.failure(Reason.MALFORMED, "the request names no valid space"));
    }
    SpaceCheck check = pipeline.spaceCheck;
    if (check != null) {
      AuthOutcome.@Nullable Failure refused;
      try {
        refused = check.check(resolved, settings);
      } catch (Throwable t) {
        return refuse("space", failure("space check", t));
      }
      if (refused != null) {
        space = resolved;
        return refuse("space", refused);
      }
    }
    space = resolved;
    record("space", Step.Result.PASS, "space '" + space + "'");

    AddressResolution resolution;
    try {
      resolution = pipeline.clientAddressResolver.resolve(request, space, settings);
    } catch (Throwable t) {
      return refuse("client-address", failure("client address resolver", t));
    }
    InetAddress address = resolution.address();
    Reason reason = resolution.reason();
    if (address == null || reason != null) {
      return refuse(
          "client-address",
          AuthOutcome.failure(reason == null ? Reason.INTERNAL : reason, resolution.detail()));
    }
    clientAddress = address;
    record("client-address", Step.Result.PASS, resolution.detail());

    AddressFilter filter = pipeline.addressFilter;
    if (filter == null) {
      record("address-rules", Step.Result.SKIPPED, "no address filter configured");
    } else {
      AddressVerdict verdict;
      try {
        verdict = filter.check(address, space, settings);
      } catch (Throwable t) {
        return refuse("address-rules", failure("address filter", t));
      }
      if (!verdict.allowed()) {
        return refuse(
            "address-rules", AuthOutcome.failure(Reason.ADDRESS_DENIED, verdict.detail()));
      }
      record("address-rules", Step.Result.PASS, verdict.detail());
    }
    Decision throttled = admitThrottled(address);
    if (throttled != null) {
      return throttled;
    }
    context = new AuthContext(request, space, address, settings, now);
    return null;
  }

  /** The credential throttle's verdict on this address, before any authenticator runs. */
  private @Nullable Decision admitThrottled(InetAddress address) {
    CredentialThrottle throttle = pipeline.credentialThrottle;
    if (throttle == null) {
      return null;
    }
    AuthOutcome.@Nullable Failure refused;
    try {
      refused = throttle.admit(address, space, settings, now);
    } catch (Throwable t) {
      return refuse("throttle", failure("credential throttle", t));
    }
    if (refused != null) {
      return refuse("throttle", refused);
    }
    record("throttle", Step.Result.PASS, "address within its failure budget");
    return null;
  }

  // ---- authenticators, hooks, access: may suspend ----

  /** Runs stages until one suspends (null) or the decision is known. */
  private @Nullable Decision advance() {
    AuthContext ctx = requireContext();
    while (authIndex < pipeline.authenticators.size()) {
      Authenticator authenticator = pipeline.authenticators.get(authIndex);
      String stage = pipeline.authenticatorStages.get(authIndex);
      CompletionStage<AuthOutcome> pending =
          call(() -> authenticator.authenticate(ctx), stage, this::authFailure);
      AuthOutcome outcome = poll(pending, stage, this::authFailure);
      if (outcome == null) {
        suspend(pending, stage, this::authFailure, o -> resume(() -> onAuthOutcome(stage, o)));
        return null;
      }
      Decision decision = onAuthOutcome(stage, outcome);
      if (decision != null) {
        return decision;
      }
    }
    while (hookIndex < pipeline.hooks.size()) {
      AuthHook hook = pipeline.hooks.get(hookIndex);
      String stage = pipeline.hookStages.get(hookIndex);
      Identity current = identity;
      CompletionStage<HookResult> pending =
          call(() -> hook.apply(ctx, current), stage, this::hookFailure);
      HookResult result = poll(pending, stage, this::hookFailure);
      if (result == null) {
        suspend(pending, stage, this::hookFailure, r -> resume(() -> onHookResult(stage, r)));
        return null;
      }
      Decision decision = onHookResult(stage, result);
      if (decision != null) {
        return decision;
      }
    }
    if (!accessPassed) {
      Decision refused = checkAccess();
      if (refused != null) {
        return refused;
      }
      accessPassed = true;
    }
    return checkUsage();
  }

  private @Nullable Decision onAuthOutcome(String stage, AuthOutcome outcome) {
    authIndex++;
    if (outcome instanceof AuthOutcome.Abstain abstain) {
      Challenge challenge = abstain.challenge();
      if (challenge != null && !challenges.contains(challenge)) {
        challenges.add(challenge);
      }
      record(stage, Step.Result.ABSTAIN, "no credential of this kind");
      return null;
    }
    if (outcome instanceof AuthOutcome.Failure failure) {
      // Presented but bad: terminal. Nothing later may rescue it.
      recordFailure(stage, failure);
      countRefusedCredential(failure.reason());
      skipRemainingAuthenticators("an earlier authenticator refused the credential");
      skipHooks("a credential was refused");
      return refusalOf(failure);
    }
    Identity found = ((AuthOutcome.Success) outcome).identity();
    if (!found.space().equals(space)) {
      return refuse(stage, wrongSpace(stage, found));
    }
    identity = found;
    record(stage, Step.Result.SUCCESS, describe(found));
    skipRemainingAuthenticators("an earlier authenticator succeeded");
    return null;
  }

  /** Tells the credential throttle that this address presented a credential that was refused. */
  private void countRefusedCredential(Reason reason) {
    CredentialThrottle throttle = pipeline.credentialThrottle;
    InetAddress address = clientAddress;
    if (throttle == null || address == null || !reason.isCredentialFailure()) {
      return;
    }
    try {
      throttle.refused(address, space, reason, settings, now);
    } catch (Throwable t) { // the decision stands; only the count is lost
      Pipeline.LOG.warn("credential throttle failed to count a refusal", t);
    }
  }

  private @Nullable Decision onHookResult(String stage, HookResult result) {
    hookIndex++;
    if (result instanceof HookResult.Deny deny) {
      // Any DENY wins: the remaining hooks cannot change the outcome.
      AuthOutcome.Failure failure = AuthOutcome.failure(deny.reason(), deny.detail());
      recordFailure(stage, failure);
      skipHooks("an earlier hook denied the request");
      return refusalOf(failure);
    }
    if (result instanceof HookResult.Allow allow) {
      Identity given = allow.identity();
      if (given == null) {
        record(stage, Step.Result.ALLOW, "allowed; identity unchanged");
      } else if (!given.space().equals(space)) {
        return refuse(stage, wrongSpace(stage, given));
      } else {
        String verb = identity == null ? "authenticated " : "replaced identity with ";
        identity = given;
        record(stage, Step.Result.ALLOW, verb + describe(given));
      }
      return null;
    }
    record(stage, Step.Result.CONTINUE, "no opinion");
    return null;
  }

  /** The access policy's verdict: a refusal, or null (recorded as a pass) when it allows. */
  private @Nullable Decision checkAccess() {
    Identity who = identity;
    if (who == null) {
      record("access", Step.Result.SKIPPED, "no identity");
      List<Challenge> offered =
          challenges.isEmpty() ? List.of(pipeline.fallbackChallenge) : List.copyOf(challenges);
      return refusal(Reason.MISSING_CREDENTIALS, "no credentials presented", offered, null);
    }
    String denial;
    try {
      denial = pipeline.accessPolicy.check(request, who);
    } catch (Throwable t) {
      return refuse("access", failure("access policy", t));
    }
    if (denial != null) {
      return refuse("access", AuthOutcome.failure(Reason.INSUFFICIENT_ACCESS, denial));
    }
    record("access", Step.Result.PASS, "access " + who.access() + " permits " + judgedMethod());
    return null;
  }

  /** The usage gate, if any; null when it is pending (the run resumes in its completion). */
  private @Nullable Decision checkUsage() {
    Identity who = requireIdentity();
    UsageGate gate = pipeline.usageGate;
    if (gate == null) {
      return allow(who, null);
    }
    AuthContext ctx = requireContext();
    CompletionStage<UsageVerdict> pending =
        call(() -> gate.check(ctx, who), "usage", this::usageFailure);
    UsageVerdict verdict = poll(pending, "usage", this::usageFailure);
    if (verdict == null) {
      suspend(pending, "usage", this::usageFailure, v -> resume(() -> onUsageVerdict(v)));
      return null;
    }
    return onUsageVerdict(verdict);
  }

  private Decision onUsageVerdict(UsageVerdict verdict) {
    AuthOutcome.Failure refusal = verdict.refusal();
    if (refusal != null) {
      return refuse("usage", refusal);
    }
    RateLimitState state = verdict.state();
    record(
        "usage",
        Step.Result.PASS,
        state == null
            ? "within its limits"
            : "limit "
                + state.policy()
                + ": "
                + state.remaining()
                + " of "
                + state.quota()
                + " left");
    return allow(requireIdentity(), state);
  }

  private UsageVerdict usageFailure(Throwable t) {
    return UsageVerdict.refuse(failure("usage", t));
  }

  private Decision allow(Identity who, @Nullable RateLimitState state) {
    return new Decision(
        true, 200, who, null, "", List.of(), null, space, clientAddress, trace, state);
  }

  private Identity requireIdentity() {
    Identity who = identity;
    if (who == null) {
      throw new IllegalStateException("the usage stage ran without an identity");
    }
    return who;
  }

  // ---- suspension and resumption ----

  private <T> CompletionStage<T> call(
      Supplier<CompletionStage<T>> invocation, String stage, Function<Throwable, T> onError) {
    try {
      CompletionStage<T> result = invocation.get();
      return result != null
          ? result
          : CompletableFuture.completedFuture(
              onError.apply(new NullPointerException(stage + " returned no stage")));
    } catch (Throwable t) {
      return CompletableFuture.completedFuture(onError.apply(t));
    }
  }

  /** The value of an already completed future, or null when it must be waited for. */
  private static <T> @Nullable T poll(
      CompletionStage<T> stage, String name, Function<Throwable, T> onError) {
    // Exact class only: subclasses (e.g. the JDK's minimal stage) may refuse isDone().
    if (stage.getClass() != CompletableFuture.class) {
      return null;
    }
    CompletableFuture<T> future = (CompletableFuture<T>) stage;
    if (!future.isDone()) {
      return null;
    }
    try {
      T value = future.join();
      return value != null
          ? value
          : onError.apply(new NullPointerException(name + " completed with null"));
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return onError.apply(e);
    }
  }

  private <T> void suspend(
      CompletionStage<T> pending,
      String stage,
      Function<Throwable, T> onError,
      Consumer<T> continuation) {
    // Created before waiting, since the stage may complete (and resume) right away.
    var unusedResult = requireAsync();
    // A private relay carries the timeout: the stage itself may be shared (a single-flight
    // fetch) and must not be completed or cancelled by one waiter's deadline.
    CompletableFuture<T> relay = new CompletableFuture<>();
    var unusedTimeout =
        relay.orTimeout(pipeline.stageTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    BiConsumer<T, Throwable> handler =
        (value, error) -> {
          T result;
          if (error != null) {
            result = onError.apply(error);
          } else if (value == null) {
            result = onError.apply(new NullPointerException(stage + " completed with null"));
          } else {
            result = value;
          }
          continuation.accept(result);
        };
    // The handler completes `async`; nothing else observes these dependent futures.
    var unusedContinuation =
        pipeline.resumeExecutor != null
            ? relay.whenCompleteAsync(handler, pipeline.resumeExecutor)
            : relay.whenComplete(handler);
    try {
      var unusedRelay =
          pending.whenComplete(
              (value, error) -> {
                if (error != null) {
                  relay.completeExceptionally(error);
                } else {
                  relay.complete(value);
                }
              });
    } catch (Throwable t) {
      relay.completeExceptionally(t);
    }
  }

  /** Continues after a pending stage completed; completes the result when decided. */
  private void resume(Supplier<@Nullable Decision> onResult) {
    CompletableFuture<Decision> result = requireAsync();
    Decision decision;
    try {
      decision = onResult.get();
      if (decision == null) {
        decision = advance();
      }
    } catch (Throwable t) {
      decision = refuse("pipeline", failure("pipeline", t));
    }
    if (decision != null) {
      result.complete(finish(decision));
    }
  }

  private CompletableFuture<Decision> requireAsync() {
    CompletableFuture<Decision> result = async;
    if (result == null) {
      result = new CompletableFuture<>();
      async = result;
    }
    return result;
  }

  private AuthContext requireContext() {
    AuthContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("authentication started before the context was built");
    }
    return ctx;
  }

  // ---- results ----

  private AuthOutcome authFailure(Throwable t) {
    return failure(pipeline.authenticatorStages.get(authIndex), t);
  }

  private HookResult hookFailure(Throwable t) {
    AuthOutcome.Failure failure = failure(pipeline.hookStages.get(hookIndex), t);
    return new HookResult.Deny(failure.reason(), failure.detail());
  }

  private AuthOutcome.Failure failure(String stage, Throwable t) {
    return Failures.fromThrowable(stage, t, pipeline.stageTimeout, pipeline.retryAfter);
  }

  private AuthOutcome.Failure wrongSpace(String stage, Identity found) {
    Pipeline.LOG.error(
        "{} returned an identity for space '{}' on a request in space '{}'; refusing",
        stage,
        found.space(),
        space);
    return AuthOutcome.failure(Reason.INTERNAL, stage + " returned an identity of another space");
  }

  private Decision refuse(String stage, AuthOutcome.Failure failure) {
    recordFailure(stage, failure);
    return refusalOf(failure);
  }

  private void recordFailure(String stage, AuthOutcome.Failure failure) {
    record(stage, Step.Result.FAILURE, failure.reason().code() + ": " + failure.detail());
  }

  private Decision refusalOf(AuthOutcome.Failure failure) {
    Reason reason = failure.reason();
    List<Challenge> offered = List.of();
    if (reason.isAuthenticationFailure()) {
      Challenge challenge = failure.challenge();
      offered =
          challenge != null
              ? List.of(challenge)
              : List.of(pipeline.fallbackChallenge.withError(reason, failure.detail()));
    }
    Duration retry = null;
    if (reason == Reason.UNAVAILABLE || reason.isThrottling()) {
      retry = failure.retryAfter() != null ? failure.retryAfter() : pipeline.retryAfter;
    }
    return refusal(reason, failure.detail(), offered, retry, failure.limit());
  }

  private Decision refusal(
      Reason reason, String detail, List<Challenge> offered, @Nullable Duration retry) {
    return refusal(reason, detail, offered, retry, null);
  }

  private Decision refusal(
      Reason reason,
      String detail,
      List<Challenge> offered,
      @Nullable Duration retry,
      @Nullable RateLimitState limit) {
    return new Decision(
        false,
        reason.status(),
        identity,
        reason,
        detail,
        offered,
        retry,
        space,
        clientAddress,
        trace,
        limit);
  }

  private void skipRemainingAuthenticators(String why) {
    while (authIndex < pipeline.authenticators.size()) {
      trace.add(
          new Step(pipeline.authenticatorStages.get(authIndex++), Step.Result.SKIPPED, why, 0));
    }
  }

  private void skipHooks(String why) {
    while (hookIndex < pipeline.hooks.size()) {
      trace.add(new Step(pipeline.hookStages.get(hookIndex++), Step.Result.SKIPPED, why, 0));
    }
  }

  private void startStage() {
    stageStart = pipeline.nanoTicker.getAsLong();
  }

  /** Records a stage's end, which is also the next stage's start: one clock read per stage. */
  private void record(String stage, Step.Result result, String detail) {
    long now = pipeline.nanoTicker.getAsLong();
    trace.add(new Step(stage, result, detail, now - stageStart));
    stageStart = now;
  }

  /** The method, and any method override the request carries (the operator should see it). */
  private String judgedMethod() {
    List<String> overrides = MethodOverride.values(request);
    if (overrides.isEmpty()) {
      return methodOf();
    }
    return methodOf()
        + " (method override "
        + Redact.safe(String.join(",", overrides))
        + " seen; judged as "
        + Redact.safe(MethodOverride.strictest(request))
        + ")";
  }

  private String methodOf() {
    return Redact.safe(request.method());
  }

  private static String describe(Identity identity) {
    return "subject '"
        + Redact.safe(identity.subject())
        + "' access "
        + identity.access()
        + (identity.credentialId() == null ? "" : " credential " + identity.credentialId());
  }

  /** Scrubs credentials from every message, then tells the listener and the log. */
  private Decision finish(Decision decision) {
    // Allowed decisions carry only the pipeline's own wording; refusals may quote a module's
    // failure detail, so only they are scrubbed.
    Decision safe =
        decision.allowed()
            ? decision
            : SecretScrubber.scrub(decision, request, pipeline.secretHeaders);
    pipeline.listener.onDecision(request, safe);
    if (safe.reason() == Reason.INTERNAL) {
      Pipeline.LOG.warn("refused {}: {}", requestLine(), safe.detail());
    } else if (Pipeline.LOG.isDebugEnabled()) {
      Pipeline.LOG.debug(
          "{} {} {} space={} client={}: {}",
          safe.allowed() ? "ALLOW" : "DENY",
          safe.status(),
          requestLine(),
          safe.space(),
          clientAddress == null ? "?" : clientAddress.getHostAddress(),
          safe.allowed() && safe.identity() != null
              ? describe(safe.identity())
              : safe.code() + " " + safe.detail());
    }
    return safe;
  }

  private String requestLine() {
    return methodOf() + " " + Redact.safe(request.path());
  }
}
