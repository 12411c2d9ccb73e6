package io.gatehouse.admin;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.CreatedToken;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenInfo;
import io.gatehouse.apikey.TokenKind;
import io.gatehouse.apikey.TokenStoreException;
import io.gatehouse.core.Redact;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SpaceCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Management} on a store, in one space, on behalf of one {@link Caller}. Used by the CLI
 * directly (the operator) and by the server's admin API (the admin token, in its own space). Every
 * operation checks {@link AdminRules} itself before it touches the store.
 */
final class LocalManagement implements Management {
  private static final Logger LOG = LoggerFactory.getLogger(LocalManagement.class);

  /** Token text as the stores issue it ({@code ghk_...}, {@code gha_...}). */
  private static final Pattern TOKEN_TEXT = Pattern.compile("gh[a-z]_[A-Za-z0-9_\\-]{8,}");

  /** Token ids are 10 characters; anything longer given as a token reference may be its text. */
  private static final int LONGEST_ID = 16;

  private final AdminStore store;
  private final String space;
  private final Caller caller;
  private final Clock clock;
  private final Function<CheckRequest, CheckResult> checker;
  private final boolean ownsStore;

  LocalManagement(
      AdminStore store,
      String space,
      Caller caller,
      Function<CheckRequest, CheckResult> checker,
      boolean ownsStore) {
    this.store = store;
    this.space = Settings.requireValidSpace(space);
    this.caller = caller;
    this.clock = store.clock();
    this.checker = checker;
    this.ownsStore = ownsStore;
  }

  /**
   * A checker that builds the pipeline of {@code parts} over the settings stored now: a dry run
   * right after a change sees it, whatever the change feed has delivered.
   */
  static Function<CheckRequest, CheckResult> storeChecker(
      AdminStore store, String space, Pipelines.Parts parts) {
    return request -> {
      SpaceSettingsStore.Snapshot snapshot = store.settings().readAll();
      Settings stored = SettingsSync.apply(Settings.empty(), snapshot.configs(), snapshot.broken());
      java.util.Map<String, String> unreadable = new java.util.TreeMap<>();
      snapshot.broken().forEach(s -> unreadable.put(s, SettingsSync.unreadableDetail(s)));
      SpaceCheck declared = (s, current) -> SettingsSync.check(s, snapshot.spaces(), unreadable);
      return Pipelines.check(Pipelines.build(parts.forDryRun(space, stored, declared)), request);
    };
  }

  /** Parts with no hooks or listeners, for a store opened by a tool such as the CLI. */
  static Pipelines.Parts plainParts(AdminStore store) {
    return new Pipelines.Parts(
        io.gatehouse.core.SpaceResolver.fixed(io.gatehouse.core.SpaceResolver.DEFAULT_SPACE),
        store.keys(),
        io.gatehouse.jwks.JwtAuthenticator.builder().clock(store.clock()).build(),
        Settings::empty,
        List.of(),
        List.of(),
        (space, settings) -> null, // a dry run brings its own check of the declared spaces
        store.clock(),
        Pipelines.ownThrottle(),
        null);
  }

  @Override
  public CreatedTokenView createToken(TokenRequest request) {
    return audited(
        "create-token",
        "new " + (request.admin() ? "admin" : "api") + " token",
        describe(request),
        () -> create(request),
        created -> created.info().id());
  }

  private CreatedTokenView create(TokenRequest request) {
    AdminRules.requireMayGrant(caller, request.permissions());
    NewToken.Builder spec = request.admin() ? NewToken.adminToken(space) : NewToken.apiToken(space);
    if (request.readOnly()) {
      if (request.admin()) {
        throw new IllegalArgumentException("an admin token cannot be read-only");
      }
      spec.readOnly();
    }
    spec.name(request.name())
        .owner(request.team())
        .permissions(request.permissions())
        .origins(request.origins());
    if (request.expiresIn() != null) {
      spec.expiresIn(request.expiresIn());
    }
    NewToken built = spec.build();
    store.settings().declare(space); // a token in a space declares it
    CreatedToken created = tokens(keys -> keys.create(built));
    return new CreatedTokenView(created.token(), view(created.info()));
  }

  @Override
  public TokenView importToken(String token, boolean readOnly, String name) {
    String detail =
        (token.strip().startsWith(TokenKind.ADMIN.prefix()) ? "admin" : "api")
            + " token"
            + (readOnly ? ", read-only" : "")
            + (name.isEmpty() ? "" : ", name '" + name + "'");
    return audited(
        "import-token",
        Redact.secret(token.strip()),
        detail,
        () -> importChecked(token, readOnly, name),
        TokenView::id);
  }

  private TokenView importChecked(String token, boolean readOnly, String name) {
    AdminRules.requireMayGrant(caller, List.of()); // an imported token carries no permission
    NewToken.Builder spec =
        token.startsWith(TokenKind.ADMIN.prefix())
            ? NewToken.adminToken(space)
            : NewToken.apiToken(space);
    if (readOnly) {
      spec.readOnly();
    }
    spec.name(name);
    NewToken built = spec.build();
    store.settings().declare(space);
    return view(tokens(keys -> keys.importToken(token.strip(), built)));
  }

  @Override
  public List<TokenView> tokens() {
    refusalAudited("list-tokens", () -> AdminRules.requireTokens(caller));
    return tokens(keys -> keys.list(space)).stream().map(this::view).toList();
  }

  @Override
  public Optional<TokenView> revoke(String idOrToken) {
    try {
      return audited(
          "revoke-token",
          tokenReference(idOrToken),
          "",
          () -> revokeChecked(idOrToken),
          found -> found.map(TokenView::id).orElse(tokenReference(idOrToken)));
    } catch (AdminException e) {
      if (e.kind() == AdminException.Kind.NOT_FOUND) {
        return Optional.empty(); // recorded as "not found"; the caller says so in its own words
      }
      throw e;
    }
  }

  private Optional<TokenView> revokeChecked(String idOrToken) {
    AdminRules.requireTokens(caller); // before the lookup: a caller without it learns nothing
    Optional<TokenInfo> found = findInSpace(idOrToken);
    if (found.isEmpty()) {
      throw AdminException.notFound(
          "no token " + tokenReference(idOrToken) + " in space '" + space + "'");
    }
    AdminRules.requireMayControl(caller, found.get(), "revoke");
    return tokens(keys -> keys.revoke(found.get().id())).map(this::view);
  }

  @Override
  public CreatedTokenView rotate(String id, Duration grace) {
    return audited(
        "rotate-token",
        tokenReference(id),
        "grace " + Durations.format(grace),
        () -> rotateChecked(id, grace),
        rotated -> rotated.info().id());
  }

  private CreatedTokenView rotateChecked(String id, Duration grace) {
    AdminRules.requireTokens(caller);
    TokenInfo info =
        findInSpace(id)
            .orElseThrow(
                () ->
                    AdminException.notFound(
                        "no token " + Redact.safe(id) + " in space '" + space + "'"));
    AdminRules.requireMayControl(caller, info, "rotate"); // a rotation hands out a working secret
    try {
      CreatedToken rotated = tokens(keys -> keys.rotate(info.id(), grace));
      return new CreatedTokenView(rotated.token(), view(rotated.info()));
    } catch (NoSuchElementException e) {
      throw AdminException.notFound(e.getMessage() == null ? "no such token" : e.getMessage());
    }
  }

  @Override
  public SpaceConfig settings() {
    refusalAudited("read-settings", () -> AdminRules.requireSettings(caller));
    return store.settings().read(space);
  }

  @Override
  public SpaceConfig setIssuer(SpaceConfig.Issuer issuer) {
    return settingsChange(
        "set-issuer",
        issuer.issuer(),
        issuer.describe(),
        () -> store.settings().update(space, config -> config.withIssuer(issuer)));
  }

  @Override
  public SpaceConfig removeIssuer(String issuer) {
    return settingsChange(
        "remove-issuer",
        issuer,
        "",
        () -> store.settings().update(space, config -> config.withoutIssuer(issuer)));
  }

  @Override
  public SpaceConfig allow(List<String> cidrs) {
    return addressChange("allow", cidrs, SpaceConfig::withAllowed);
  }

  @Override
  public SpaceConfig removeAllowed(List<String> cidrs) {
    return addressChange("remove-allowed", cidrs, SpaceConfig::withoutAllowed);
  }

  @Override
  public SpaceConfig deny(List<String> cidrs) {
    return addressChange("deny", cidrs, SpaceConfig::withDenied);
  }

  @Override
  public SpaceConfig removeDenied(List<String> cidrs) {
    return addressChange("remove-denied", cidrs, SpaceConfig::withoutDenied);
  }

  @Override
  public SpaceConfig trustProxies(SpaceConfig.Proxies proxies) {
    return settingsChange(
        "trust-proxies",
        String.join(" ", proxies.cidrs()),
        "hops " + proxies.hops(),
        () -> store.settings().update(space, config -> config.withProxies(proxies)));
  }

  @Override
  public SpaceConfig throttle(ThrottleChange change) {
    return settingsChange(
        "throttle",
        change.enabled() == null ? "change" : change.enabled() ? "on" : "off",
        describe(change),
        () ->
            store
                .settings()
                .update(
                    space,
                    config -> {
                      Protections protections = config.protections();
                      return config.withProtections(
                          protections.withThrottle(change.applyTo(protections.throttle())));
                    }));
  }

  private static String describe(ThrottleChange change) {
    List<String> parts = new java.util.ArrayList<>();
    if (change.reset()) {
      parts.add("reset to the default");
    }
    if (change.failures() != null) {
      parts.add(change.failures() + " failures");
    }
    if (change.refill() != null) {
      parts.add("refill " + change.refill());
    }
    return String.join(", ", parts);
  }

  @Override
  public SpaceConfig browsers(boolean allowed) {
    return settingsChange(
        "browsers",
        allowed ? "allow" : "refuse",
        "",
        () ->
            store
                .settings()
                .update(
                    space,
                    config ->
                        config.withProtections(config.protections().withBrowsersAllowed(allowed))));
  }

  @Override
  public CheckResult check(CheckRequest request) {
    refusalAudited("check", () -> AdminRules.requireSettings(caller));
    return checker.apply(request);
  }

  @Override
  public List<AuditEntry> audit(Instant since) {
    refusalAudited("read-audit", () -> AdminRules.requireAudit(caller));
    return store.audit().since(space, since);
  }

  @Override
  public AuditLog.Verification verifyAudit() {
    refusalAudited("verify-audit", () -> AdminRules.requireAudit(caller));
    return store.audit().verify();
  }

  /** An allow or deny list change; the entries are validated before the store is touched. */
  private SpaceConfig addressChange(
      String action,
      List<String> cidrs,
      java.util.function.BiFunction<SpaceConfig, List<String>, SpaceConfig> edit) {
    return settingsChange(
        action,
        String.join(" ", cidrs),
        "",
        () -> {
          List<String> parsed = SpaceConfig.normalise(cidrs);
          return store.settings().update(space, config -> edit.apply(config, parsed));
        });
  }

  /** A settings change: needs {@code settings}; audited whatever its outcome. */
  private SpaceConfig settingsChange(
      String action, String target, String detail, Supplier<SpaceConfig> change) {
    return audited(
        action,
        target,
        detail,
        () -> {
          AdminRules.requireSettings(caller);
          return change.get();
        },
        config -> target);
  }

  /**
   * Runs {@code change} and appends its audit entry: {@code ok} with the result's target, or the
   * outcome of the exception (rethrown).
   */
  private <T> T audited(
      String action,
      String target,
      String detail,
      Supplier<T> change,
      Function<T, String> targetOfResult) {
    T result;
    try {
      result = change.get();
    } catch (PermissionDenied e) {
      recordFailure(action, target, AuditLog.REFUSED, e);
      throw e;
    } catch (AdminException e) {
      recordFailure(
          action,
          target,
          e.kind() == AdminException.Kind.NOT_FOUND ? AuditLog.NOT_FOUND : AuditLog.FAILED,
          e);
      throw e;
    } catch (RuntimeException e) {
      recordFailure(action, target, AuditLog.FAILED, e);
      throw e;
    }
    String resultTarget = targetOfResult.apply(result);
    try {
      record(action, resultTarget, AuditLog.OK, detail);
    } catch (AdminException e) {
      // The change is made and cannot be taken back here: say so loudly rather than hide it.
      LOG.error(
          "{} {} {} was done but its audit entry could not be written: {}",
          caller.actor(),
          action,
          resultTarget,
          e.getMessage());
    }
    return result;
  }

  /** A read that needs no entry when allowed: only its refusal is recorded. */
  private void refusalAudited(String action, Runnable permissionCheck) {
    try {
      permissionCheck.run();
    } catch (PermissionDenied e) {
      recordFailure(action, "", AuditLog.REFUSED, e);
      throw e;
    }
  }

  private void recordFailure(String action, String target, String outcome, RuntimeException e) {
    try {
      record(action, target, outcome, e.getMessage() == null ? "" : e.getMessage());
    } catch (AdminException unwritten) {
      LOG.warn(
          "audit entry for a failed {} could not be written: {}", action, unwritten.getMessage());
    }
  }

  private void record(String action, String target, String outcome, String detail) {
    store
        .audit()
        .append(
            space,
            caller.actor(),
            action,
            noTokens(target),
            caller.clientAddress(),
            outcome,
            noTokens(detail));
  }

  /** Any token text in request-derived text becomes a short prefix (tokens appear by id). */
  static String noTokens(String text) {
    return Redact.safe(
        TOKEN_TEXT
            .matcher(text)
            .replaceAll(match -> Redact.secret(match.group()).replace("$", "")));
  }

  /** How a token named by id or by its text appears in the audit log: never its whole text. */
  private static String tokenReference(String idOrToken) {
    String text = idOrToken.strip();
    return text.length() > LONGEST_ID ? Redact.secret(text) : Redact.safe(text);
  }

  private static String describe(TokenRequest request) {
    StringBuilder out = new StringBuilder(request.admin() ? "admin" : "api").append(" token");
    if (request.readOnly()) {
      out.append(", read-only");
    }
    if (!request.name().isEmpty()) {
      out.append(", name '").append(request.name()).append('\'');
    }
    if (request.team() != null) {
      out.append(", team ").append(request.team());
    }
    if (!request.permissions().isEmpty()) {
      out.append(", permissions ").append(String.join(",", request.permissions()));
    }
    if (request.expiresIn() != null) {
      out.append(", expires in ").append(Durations.format(request.expiresIn()));
    }
    if (!request.origins().isEmpty()) {
      out.append(", origins ").append(String.join(",", request.origins()));
    }
    return out.toString();
  }

  @Override
  public LimitsView limits(String id) {
    refusalAudited("show-limits", () -> AdminRules.requireTokens(caller));
    String key = limitsKey(id, null);
    LimitsView own = limitsView(id, key, store.limits().read(space, key).orElse(null), false);
    if (own.rate() != null || own.uses() != null || key.equals(LimitsStore.SPACE_DEFAULT)) {
      return own;
    }
    var fallback = store.limits().read(space, LimitsStore.SPACE_DEFAULT);
    return fallback.isEmpty() ? own : limitsView(id, key, fallback.get(), true);
  }

  @Override
  public LimitsView setLimits(String id, LimitsRequest request) {
    return audited(
        "set-limits",
        tokenReference(id),
        request.describe(),
        () -> setLimitsChecked(id, request),
        LimitsView::token);
  }

  private LimitsView setLimitsChecked(String id, LimitsRequest request) {
    AdminRules.requireTokens(caller);
    String key = limitsKey(id, "limit");
    if (!request.clear()
        && request.rate() == null
        && request.uses() == null
        && request.refill() == null) {
      throw new IllegalArgumentException("nothing to set: give a rate, uses, a refill, or clear");
    }
    // A bad part throws inside the transaction, which then writes nothing.
    java.util.Optional<io.gatehouse.usage.LimitSource.Active> stored =
        store
            .limits()
            .update(
                space,
                key,
                current ->
                    (request.clear() ? io.gatehouse.usage.UsageLimits.none() : current)
                        .with(request.rate(), request.uses(), request.refill()));
    return limitsView(id, key, stored.orElse(null), false);
  }

  @Override
  public List<LimitsView> allLimits() {
    refusalAudited("list-limits", () -> AdminRules.requireTokens(caller));
    var inSpace = new java.util.TreeMap<>(store.limits().readSpace(space));
    LimitsStore.Listed spaceDefault = inSpace.remove(LimitsStore.SPACE_DEFAULT);
    List<LimitsView> out = new java.util.ArrayList<>();
    out.add(view(SPACE_DEFAULT, spaceDefault == null ? null : spaceDefault.active(), null, false));
    inSpace.forEach(
        (token, listed) -> out.add(view(token, listed.active(), listed.remaining(), false)));
    return out;
  }

  /**
   * The store key of {@code id}: {@value LimitsStore#SPACE_DEFAULT} for the space's default, else
   * the id of a token in this space (404 otherwise). With {@code action}, the caller must be
   * allowed to act on that token (an admin token: hold every permission it holds).
   */
  private String limitsKey(String id, @org.jspecify.annotations.Nullable String action) {
    if (id.equals(SPACE_DEFAULT)) {
      return LimitsStore.SPACE_DEFAULT;
    }
    TokenInfo info =
        findInSpace(id)
            .orElseThrow(
                () ->
                    AdminException.notFound(
                        "no token " + tokenReference(id) + " in space '" + space + "'"));
    if (action != null) {
      AdminRules.requireMayControl(caller, info, action);
    }
    return info.id();
  }

  private LimitsView limitsView(
      String id,
      String key,
      io.gatehouse.usage.LimitSource.@org.jspecify.annotations.Nullable Active active,
      boolean inherited) {
    String shown = id.equals(SPACE_DEFAULT) ? SPACE_DEFAULT : key;
    Long remaining =
        active == null || key.equals(LimitsStore.SPACE_DEFAULT)
            ? null
            : store.limits().remaining(space, key, active);
    return view(shown, active, remaining, inherited);
  }

  private static LimitsView view(
      String shown,
      io.gatehouse.usage.LimitSource.@org.jspecify.annotations.Nullable Active active,
      @org.jspecify.annotations.Nullable Long remaining,
      boolean inherited) {
    if (active == null) {
      return new LimitsView(shown, null, null, null, null, inherited);
    }
    io.gatehouse.usage.UsageLimits limits = active.limits();
    return new LimitsView(
        shown,
        limits.ratesText(),
        limits.uses(),
        limits.refill() == null ? null : limits.refill().toString(),
        remaining,
        inherited);
  }

  @Override
  public List<SpaceView> spaces() {
    refusalAudited("list-spaces", () -> AdminRules.requireManage(caller, "list spaces"));
    return store.settings().spaces().stream().map(this::spaceView).toList();
  }

  @Override
  public SpaceView addSpace(String name) {
    return audited(
        "add-space",
        name,
        "",
        () -> {
          AdminRules.requireManage(caller, "create spaces");
          Settings.requireValidSpace(name);
          store.settings().declare(name);
          return spaceView(name);
        },
        SpaceView::name);
  }

  @Override
  public SpaceView removeSpace(String name) {
    return audited("remove-space", name, "", () -> remove(name), SpaceView::name);
  }

  private SpaceView remove(String name) {
    AdminRules.requireManage(caller, "remove spaces");
    Settings.requireValidSpace(name);
    SpaceView before = spaceView(name);
    if (before.liveTokens() > 0) {
      throw new AdminException(
          AdminException.Kind.CONFLICT,
          "space '"
              + name
              + "' still has "
              + before.liveTokens()
              + " live token(s): revoke them first");
    }
    boolean removed =
        store
            .settings()
            .undeclare(
                name,
                config -> {
                  if (!config.equals(SpaceConfig.empty(name))) {
                    throw new AdminException(
                        AdminException.Kind.CONFLICT,
                        "space '"
                            + name
                            + "' still has settings (issuers, address rules or trusted proxies):"
                            + " remove them first");
                  }
                });
    if (!removed) {
      throw AdminException.notFound("no space '" + name + "' in this store");
    }
    return before;
  }

  private SpaceView spaceView(String name) {
    java.time.Instant now = clock.instant();
    int live =
        (int)
            tokens(keys -> keys.list(name)).stream()
                .filter(info -> info.status(now) == TokenInfo.Status.ACTIVE)
                .count();
    SpaceConfig config;
    try {
      config = store.settings().read(name);
    } catch (IllegalArgumentException e) {
      return new SpaceView(name, live, true); // unreadable settings are settings all the same
    }
    return new SpaceView(name, live, !config.equals(SpaceConfig.empty(name)));
  }

  @Override
  public void close() {
    if (ownsStore) {
      store.close();
    }
  }

  private Optional<TokenInfo> findInSpace(String idOrToken) {
    return tokens(keys -> keys.find(idOrToken)).filter(info -> info.space().equals(space));
  }

  /** Runs a token operation, turning a store failure into an {@code UNAVAILABLE} AdminException. */
  private <T> T tokens(Function<ApiKeys, T> operation) {
    try {
      return operation.apply(store.keys());
    } catch (TokenStoreException e) {
      throw AdminException.unavailable(
          "store unreachable: " + SpaceSettingsStore.firstLine(e.getMessage()), e);
    }
  }

  TokenView view(TokenInfo info) {
    return new TokenView(
        info.id(),
        info.space(),
        info.kind() == TokenKind.ADMIN ? "admin" : "api",
        info.maskedPrefix(),
        info.access().name(),
        info.name(),
        info.owner(),
        List.copyOf(info.permissions()),
        info.createdAt(),
        info.lastUsedAt(),
        info.expiresAt(),
        info.previousSecretValidUntil(),
        info.status(clock.instant()).name().toLowerCase(Locale.ROOT),
        info.origins());
  }
}
