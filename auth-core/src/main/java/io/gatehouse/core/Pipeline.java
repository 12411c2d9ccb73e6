package io.gatehouse.core;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Gatehouse} implementation: immutable configuration shared by every run. */
final class Pipeline implements Gatehouse {
  static final Logger LOG = LoggerFactory.getLogger(Gatehouse.class);

  final SpaceResolver spaceResolver;
  final @Nullable SpaceCheck spaceCheck;
  final ClientAddressResolver clientAddressResolver;
  final @Nullable AddressFilter addressFilter;
  final List<Authenticator> authenticators;

  /** Trace stage names of the authenticators, {@code authenticator:<id>}, computed once. */
  final List<String> authenticatorStages;

  final List<AuthHook> hooks;

  /** Trace stage names of the hooks: {@code hook:<id>}, with {@code #n} when ids repeat. */
  final List<String> hookStages;

  final AccessPolicy accessPolicy;
  final AuthListener listener;
  final Supplier<Settings> settings;
  final Clock clock;
  final LongSupplier nanoTicker;
  final Duration stageTimeout;
  final Duration retryAfter;
  final Challenge fallbackChallenge;
  final List<String> secretHeaders;
  final @Nullable Executor resumeExecutor;
  final @Nullable CredentialThrottle credentialThrottle;
  final @Nullable UsageGate usageGate;

  Pipeline(Gatehouse.Builder builder) {
    this.spaceResolver = builder.spaceResolver;
    this.spaceCheck = builder.spaceCheck;
    this.clientAddressResolver = builder.clientAddressResolver;
    this.addressFilter = builder.addressFilter;
    this.authenticators = List.copyOf(builder.authenticators);
    this.authenticatorStages =
        authenticators.stream().map(a -> Step.authenticatorStage(a.id())).toList();
    this.hooks = List.copyOf(builder.hooks);
    this.hookStages = stageNames(hooks);
    this.accessPolicy = builder.accessPolicy;
    this.listener = AuthListener.all(builder.listeners);
    this.settings = builder.settings;
    this.clock = builder.clock;
    this.nanoTicker = builder.nanoTicker;
    this.stageTimeout = builder.stageTimeout;
    this.retryAfter = builder.retryAfter;
    this.fallbackChallenge = Challenge.bearer(builder.realm);
    this.secretHeaders = List.copyOf(builder.secretHeaders);
    this.resumeExecutor = builder.resumeExecutor;
    this.credentialThrottle = builder.credentialThrottle;
    this.usageGate = builder.usageGate;
  }

  /** The last space name that passed validation: a fixed resolver skips the regex. */
  private volatile String lastValidSpace = "";

  boolean isValidSpace(String space) {
    if (space.equals(lastValidSpace)) {
      return true;
    }
    boolean valid = Settings.isValidSpace(space);
    if (valid) {
      lastValidSpace = space;
    }
    return valid;
  }

  @Override
  public CompletionStage<Decision> decide(AuthRequest request) {
    try {
      return new DecisionRun(this, request).start();
    } catch (Throwable t) { // fail closed: nothing may escape to the adapter
      LOG.error("decision pipeline failed before a decision; refusing", t);
      return CompletableFuture.completedFuture(
          new Decision(
              false,
              Reason.INTERNAL.status(),
              null,
              Reason.INTERNAL,
              "internal error",
              List.of(),
              null,
              "",
              null,
              List.of(new Step("pipeline", Step.Result.FAILURE, t.getClass().getName(), 0))));
    }
  }

  private static List<String> stageNames(List<AuthHook> hooks) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.List<String> names = new java.util.ArrayList<>(hooks.size());
    for (int i = 0; i < hooks.size(); i++) {
      String name = "hook:" + hooks.get(i).id();
      names.add(seen.add(name) ? name : name + "#" + (i + 1));
    }
    return List.copyOf(names);
  }

  @Override
  public String toString() {
    return "Gatehouse[authenticators="
        + authenticators.stream().map(Authenticator::id).toList()
        + ", hooks="
        + hooks.stream().map(AuthHook::id).toList()
        + "]";
  }
}
