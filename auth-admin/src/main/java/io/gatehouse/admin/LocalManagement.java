package io.gatehouse.admin;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.CreatedToken;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenInfo;
import io.gatehouse.apikey.TokenKind;
import io.gatehouse.apikey.TokenStoreException;
import io.gatehouse.core.Redact;
import io.gatehouse.core.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link Management} on a store, in one space, on behalf of one {@link Caller}. Used by the CLI
 * directly (the operator) and by the server's admin API (the admin token, in its own space). Every
 * operation checks {@link AdminRules} itself before it touches the store.
 */
final class LocalManagement implements Management {
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

  /** A checker that builds the serve pipeline over the store's current settings. */
  static Function<CheckRequest, CheckResult> storeChecker(AdminStore store, String space) {
    return request -> {
      SpaceSettingsStore.Snapshot snapshot = store.settings().readAll();
      Settings settings =
          SettingsSync.apply(Settings.empty(), snapshot.configs(), snapshot.broken());
      java.util.Map<String, String> unreadable = new java.util.TreeMap<>();
      snapshot.broken().forEach(s -> unreadable.put(s, SettingsSync.unreadableDetail(s)));
      Supplier<Settings> fixed = () -> settings;
      Pipelines.Parts parts =
          new Pipelines.Parts(
              io.gatehouse.core.SpaceResolver.fixed(space),
              store.keys(),
              io.gatehouse.jwks.JwtAuthenticator.builder().clock(store.clock()).build(),
              fixed,
              java.util.List.of(),
              java.util.List.of(),
              (s, current) -> SettingsSync.check(s, snapshot.spaces(), unreadable));
      return Pipelines.check(Pipelines.build(parts), request);
    };
  }

  @Override
  public CreatedTokenView createToken(TokenRequest request) {
    AdminRules.requireMayGrant(caller, request.permissions());
    NewToken.Builder spec = request.admin() ? NewToken.adminToken(space) : NewToken.apiToken(space);
    if (request.readOnly()) {
      if (request.admin()) {
        throw new IllegalArgumentException("an admin token cannot be read-only");
      }
      spec.readOnly();
    }
    spec.name(request.name()).owner(request.team()).permissions(request.permissions());
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
    AdminRules.requireTokens(caller);
    return tokens(keys -> keys.list(space)).stream().map(this::view).toList();
  }

  @Override
  public Optional<TokenView> revoke(String idOrToken) {
    AdminRules.requireTokens(caller); // before the lookup: a caller without it learns nothing
    Optional<TokenInfo> found = findInSpace(idOrToken);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    AdminRules.requireMayControl(caller, found.get(), "revoke");
    return tokens(keys -> keys.revoke(found.get().id())).map(this::view);
  }

  @Override
  public CreatedTokenView rotate(String id, Duration grace) {
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
    AdminRules.requireSettings(caller);
    return store.settings().read(space);
  }

  @Override
  public SpaceConfig setIssuer(SpaceConfig.Issuer issuer) {
    AdminRules.requireSettings(caller);
    return store.settings().update(space, config -> config.withIssuer(issuer));
  }

  @Override
  public SpaceConfig removeIssuer(String issuer) {
    AdminRules.requireSettings(caller);
    return store.settings().update(space, config -> config.withoutIssuer(issuer));
  }

  @Override
  public SpaceConfig allow(List<String> cidrs) {
    AdminRules.requireSettings(caller);
    List<String> parsed = SpaceConfig.normalise(cidrs); // validate before touching the store
    return store.settings().update(space, config -> config.withAllowed(parsed));
  }

  @Override
  public SpaceConfig removeAllowed(List<String> cidrs) {
    AdminRules.requireSettings(caller);
    List<String> parsed = SpaceConfig.normalise(cidrs);
    return store.settings().update(space, config -> config.withoutAllowed(parsed));
  }

  @Override
  public SpaceConfig deny(List<String> cidrs) {
    AdminRules.requireSettings(caller);
    List<String> parsed = SpaceConfig.normalise(cidrs); // validate before touching the store
    return store.settings().update(space, config -> config.withDenied(parsed));
  }

  @Override
  public SpaceConfig removeDenied(List<String> cidrs) {
    AdminRules.requireSettings(caller);
    List<String> parsed = SpaceConfig.normalise(cidrs);
    return store.settings().update(space, config -> config.withoutDenied(parsed));
  }

  @Override
  public SpaceConfig trustProxies(SpaceConfig.Proxies proxies) {
    AdminRules.requireSettings(caller);
    return store.settings().update(space, config -> config.withProxies(proxies));
  }

  @Override
  public CheckResult check(CheckRequest request) {
    AdminRules.requireSettings(caller);
    return checker.apply(request);
  }

  @Override
  public List<SpaceView> spaces() {
    AdminRules.requireManage(caller, "list spaces");
    return store.settings().spaces().stream().map(this::spaceView).toList();
  }

  @Override
  public SpaceView addSpace(String name) {
    AdminRules.requireManage(caller, "create spaces");
    Settings.requireValidSpace(name);
    store.settings().declare(name);
    return spaceView(name);
  }

  @Override
  public SpaceView removeSpace(String name) {
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

  /** Runs a token operation, turning a store failure into exit code 3. */
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
        info.status(clock.instant()).name().toLowerCase(Locale.ROOT));
  }
}
