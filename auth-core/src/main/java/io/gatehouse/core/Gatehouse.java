package io.gatehouse.core;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The decision pipeline: one {@link Decision} per request.
 *
 * <pre>{@code
 * Gatehouse gatehouse = Gatehouse.builder()
 *     .authenticator(apiKeys)          // first success wins; a bad credential is final
 *     .authenticator(jwts)
 *     .hook(new OfficeHoursHook())     // any DENY wins
 *     .build();
 * gatehouse.decide(request).thenAccept(decision -> ...);
 * }</pre>
 *
 * <p>Stages, in order: space resolver, client address, address rules, authenticators, hooks, access
 * policy. The returned stage is already complete when every stage answered synchronously (the
 * cached case); otherwise it completes on the thread that completed the last pending stage, or on
 * the {@linkplain Builder#resumeExecutor executor} when one is set. It never completes
 * exceptionally: every failure is a refusal.
 */
public interface Gatehouse {

  /** Decides {@code request}. Never throws; never completes exceptionally. */
  CompletionStage<Decision> decide(AuthRequest request);

  static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link Gatehouse}. Every setter validates its argument at once. */
  final class Builder {
    SpaceResolver spaceResolver = SpaceResolver.fixed(SpaceResolver.DEFAULT_SPACE);
    @Nullable SpaceCheck spaceCheck;
    ClientAddressResolver clientAddressResolver = ClientAddressResolver.socketPeer();
    @Nullable AddressFilter addressFilter;
    final List<Authenticator> authenticators = new ArrayList<>();
    final List<AuthHook> hooks = new ArrayList<>();
    AccessPolicy accessPolicy = AccessPolicy.byMethod();
    final List<AuthListener> listeners = new ArrayList<>();
    Supplier<Settings> settings = Settings::empty;
    Clock clock = Clock.systemUTC();
    LongSupplier nanoTicker = System::nanoTime;
    Duration stageTimeout = Duration.ofSeconds(5);
    Duration retryAfter = Duration.ofSeconds(5);
    String realm = "gatehouse";
    final Set<String> secretHeaders =
        new LinkedHashSet<>(List.of("authorization", "proxy-authorization", "x-apikey", "cookie"));
    @Nullable Executor resumeExecutor;
    @Nullable CredentialThrottle credentialThrottle;
    @Nullable UsageGate usageGate;

    Builder() {}

    /** How requests map to spaces; default: every request in {@code default}. */
    public Builder spaceResolver(SpaceResolver resolver) {
      this.spaceResolver = Objects.requireNonNull(resolver, "spaceResolver");
      return this;
    }

    /**
     * Which resolved spaces are served: a request in a space for which {@code known} is false is
     * refused with {@link Reason#UNKNOWN_SPACE} right after the space resolver (trace stage {@code
     * space}, detail {@code no space 'x' in this store}). Default: every valid space.
     */
    public Builder knownSpaces(java.util.function.Predicate<String> known) {
      return spaceCheck(SpaceCheck.known(known));
    }

    /**
     * Checked right after the space resolver: a non-null failure refuses the request at the {@code
     * space} stage (e.g. an unknown space, or a space whose settings cannot be read). Default:
     * none.
     */
    public Builder spaceCheck(SpaceCheck check) {
      this.spaceCheck = Objects.requireNonNull(check, "spaceCheck");
      return this;
    }

    /** How the client address is found; default: the socket peer, no header trusted. */
    public Builder clientAddressResolver(ClientAddressResolver resolver) {
      this.clientAddressResolver = Objects.requireNonNull(resolver, "clientAddressResolver");
      return this;
    }

    /** Allow/deny rules on the client address; default: none. */
    public Builder addressFilter(AddressFilter filter) {
      this.addressFilter = Objects.requireNonNull(filter, "addressFilter");
      return this;
    }

    /**
     * Turns away client addresses that keep presenting bad credentials, before any authenticator
     * runs (trace stage {@code throttle}, {@link Reason#THROTTLED}, 429). Default: none.
     */
    public Builder credentialThrottle(CredentialThrottle throttle) {
      this.credentialThrottle = Objects.requireNonNull(throttle, "credentialThrottle");
      return this;
    }

    /**
     * Usage limits checked after access passed (trace stage {@code usage}): rate limits and credits
     * per identity, refused with a 429 reason. Default: none.
     */
    public Builder usageGate(UsageGate gate) {
      this.usageGate = Objects.requireNonNull(gate, "usageGate");
      return this;
    }

    /** Adds an authenticator; they run in the order added and the first success wins. */
    public Builder authenticator(Authenticator authenticator) {
      Objects.requireNonNull(authenticator, "authenticator");
      String id = authenticator.id();
      for (Authenticator existing : authenticators) {
        if (existing.id().equals(id)) {
          throw new IllegalArgumentException("two authenticators have the id '" + id + "'");
        }
      }
      authenticators.add(authenticator);
      return this;
    }

    /** Adds an authhook; hooks run in the order added, and any DENY wins. */
    public Builder hook(AuthHook hook) {
      hooks.add(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** The final access check; default {@link AccessPolicy#byMethod()}. */
    public Builder accessPolicy(AccessPolicy policy) {
      this.accessPolicy = Objects.requireNonNull(policy, "accessPolicy");
      return this;
    }

    /** Adds a listener for decisions and module events. */
    public Builder listener(AuthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Where per-space settings come from; read once at the start of each decision. */
    public Builder settings(Supplier<Settings> source) {
      this.settings = Objects.requireNonNull(source, "settings");
      return this;
    }

    /** The clock for {@link AuthContext#now()}; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The nanosecond ticker for stage timings in the trace; default {@link System#nanoTime}. */
    public Builder nanoTicker(LongSupplier ticker) {
      this.nanoTicker = Objects.requireNonNull(ticker, "nanoTicker");
      return this;
    }

    /**
     * How long one asynchronous authenticator or hook may take before the request is refused with
     * {@link Reason#UNAVAILABLE}; default 5 s.
     */
    public Builder stageTimeout(Duration timeout) {
      Checks.positive(timeout, "stageTimeout");
      this.stageTimeout = timeout;
      return this;
    }

    /** The {@code Retry-After} of a 503 whose stage gave none; default 5 s. */
    public Builder retryAfter(Duration retryAfter) {
      Checks.positive(retryAfter, "retryAfter");
      this.retryAfter = retryAfter;
      return this;
    }

    /** The realm of fallback challenges; default {@code gatehouse}. */
    public Builder realm(String realm) {
      Objects.requireNonNull(realm, "realm");
      if (realm.isBlank()) {
        throw new IllegalArgumentException("realm must not be blank");
      }
      this.realm = realm;
      return this;
    }

    /**
     * Adds a header whose values are credentials: they are scrubbed from every trace and detail.
     * {@code Authorization}, {@code Proxy-Authorization}, {@code x-apikey} and {@code Cookie} are
     * always included.
     */
    public Builder secretHeader(String name) {
      secretHeaders.add(name.toLowerCase(Locale.ROOT));
      return this;
    }

    /** Runs continuations of asynchronous stages on {@code executor}; default: inline. */
    public Builder resumeExecutor(Executor executor) {
      this.resumeExecutor = Objects.requireNonNull(executor, "resumeExecutor");
      return this;
    }

    public Gatehouse build() {
      return new Pipeline(this);
    }
  }
}
