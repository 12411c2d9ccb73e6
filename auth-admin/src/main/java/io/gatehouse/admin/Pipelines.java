package io.gatehouse.admin;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.core.Access;
import io.gatehouse.core.AccessPolicy;
import io.gatehouse.core.AuthHook;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.CredentialThrottle;
import io.gatehouse.core.CredentialThrottles;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SpaceCheck;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.ipfilter.IpAddress;
import io.gatehouse.ipfilter.IpFilter;
import io.gatehouse.jwks.JwtAuthenticator;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The pipeline a {@link ManagedGatehouse} runs and {@code check} dry-runs: space, client address
 * through trusted proxies, IP rules, API tokens ({@code x-apikey}), admin tokens and JWTs ({@code
 * Authorization: Bearer}), then access by method and, under {@code /_admin/}, admin permissions.
 * Every pipeline turns away, before any authenticator, an address that used up its budget of
 * refused credentials ({@link CredentialThrottles}, per space through the stored settings).
 */
final class Pipelines {
  /** Where the admin API lives. */
  static final String ADMIN_PREFIX = "/_admin/";

  /** Grants every admin API operation. */
  static final String MANAGE = AdminRules.MANAGE;

  /** Grants the token operations of the admin API. */
  static final String TOKENS = AdminRules.TOKENS;

  /** Grants the settings operations (JWKS, secrets, allowlist, denylist, proxies, check). */
  static final String SETTINGS = AdminRules.SETTINGS;

  /** Reading and verifying the audit log. */
  static final String AUDIT = AdminRules.AUDIT;

  /** Scraping {@value #METRICS_PATH}. */
  static final String METRICS = AdminRules.METRICS;

  /** Where the Prometheus text is served. */
  static final String METRICS_PATH = "/_admin/metrics";

  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

  private Pipelines() {}

  /**
   * What every pipeline of a managed Gatehouse is made of.
   *
   * @param spaces maps a request to its space
   * @param keys API and admin tokens
   * @param jwt JWTs of the issuers in the settings
   * @param settings the live settings
   * @param hooks the app's authhooks, in order
   * @param listeners the app's listeners
   * @param spaceCheck refuses requests in undeclared spaces and spaces with unreadable settings
   * @param throttle the failed-credential throttle every pipeline of one managed Gatehouse shares
   * @param usage the usage limits (after access), or null for none (dry runs: a check must not
   *     spend a token's credits)
   */
  record Parts(
      SpaceResolver spaces,
      ApiKeys keys,
      JwtAuthenticator jwt,
      Supplier<Settings> settings,
      List<AuthHook> hooks,
      List<AuthListener> listeners,
      SpaceCheck spaceCheck,
      Clock clock,
      CredentialThrottle throttle,
      io.gatehouse.core.@org.jspecify.annotations.Nullable UsageGate usage) {
    Parts {
      hooks = List.copyOf(hooks);
      listeners = List.copyOf(listeners);
    }

    /** The same parts, with these listeners instead. */
    Parts withListeners(List<AuthListener> others) {
      return new Parts(
          spaces, keys, jwt, settings, hooks, others, spaceCheck, clock, throttle, usage);
    }

    /**
     * The same parts with every request in {@code space} and the given settings: a dry run decides
     * with the settings as stored now, not as the change feed last delivered them, and with a
     * throttle of its own, so that it neither counts against nor is refused by live traffic.
     */
    Parts forDryRun(String space, Settings stored, SpaceCheck declared) {
      return new Parts(
          SpaceResolver.fixed(space),
          keys,
          jwt,
          () -> stored,
          hooks,
          listeners,
          declared,
          clock,
          ownThrottle(),
          null);
    }
  }

  /**
   * A small failed-credential throttle of its own, for a pipeline that must neither count against
   * nor be refused by live traffic (dry runs, tools).
   */
  static CredentialThrottle ownThrottle() {
    return CredentialThrottles.perAddress().slots(64).build();
  }

  static Gatehouse build(Parts parts, Authenticator... first) {
    Gatehouse.Builder builder = Gatehouse.builder().clock(parts.clock());
    for (Authenticator authenticator : first) {
      builder.authenticator(authenticator); // e.g. the console's sessions, before any token
    }
    builder
        .spaceResolver(parts.spaces())
        .spaceCheck(parts.spaceCheck())
        .clientAddressResolver(IpFilter.clientAddressResolver())
        .addressFilter(IpFilter.addressFilter())
        .credentialThrottle(parts.throttle())
        .authenticator(parts.keys().authenticator())
        .authenticator(parts.keys().adminAuthenticator())
        .authenticator(parts.jwt())
        .accessPolicy(AccessPolicy.byMethod().and(adminPolicy()))
        .settings(parts.settings());
    parts.hooks().forEach(builder::hook);
    parts.listeners().forEach(builder::listener);
    io.gatehouse.core.UsageGate usage = parts.usage();
    if (usage != null) {
      builder.usageGate(usage);
    }
    return builder.build();
  }

  /**
   * Under {@code /_admin/}: only admin tokens, holding {@value #MANAGE} or the operation's own
   * permission ({@value #TOKENS} for {@code /_admin/api/tokens...}, {@value #AUDIT} for {@code
   * /_admin/api/audit}, {@value #METRICS} for {@value #METRICS_PATH}, {@value #SETTINGS}
   * otherwise).
   */
  static AccessPolicy adminPolicy() {
    return (request, identity) -> {
      String path = request.path();
      if (!path.startsWith(ADMIN_PREFIX)) {
        return null;
      }
      if (identity.access() != Access.ADMIN) {
        return "the admin API needs an admin token";
      }
      if (path.startsWith(AdminServlet.PREFIX + "/spaces")) {
        return identity.hasPermission(MANAGE)
            ? null
            : "the admin token needs permission '" + MANAGE + "' to list, create or remove spaces";
      }
      String needed = neededPermission(path);
      if (identity.hasPermission(MANAGE) || identity.hasPermission(needed)) {
        return null;
      }
      return "the admin token needs permission '" + MANAGE + "' or '" + needed + "'";
    };
  }

  /**
   * {@value #TOKENS} for the token routes, {@value #AUDIT} for the audit log, {@value #METRICS} for
   * the metrics, else settings.
   */
  private static String neededPermission(String path) {
    if (path.equals(METRICS_PATH)) {
      return METRICS;
    }
    if (path.startsWith(AdminServlet.PREFIX + "/tokens")) {
      return TOKENS;
    }
    if (path.equals(AdminServlet.PREFIX + "/audit")
        || path.startsWith(AdminServlet.PREFIX + "/audit/")) {
      return AUDIT;
    }
    return SETTINGS;
  }

  /**
   * The console's sign-in check: the space's address rules, then an admin token ({@code
   * Authorization: Bearer gha_...}) holding {@value #MANAGE}, {@value #TOKENS}, {@value #SETTINGS}
   * or {@value #AUDIT}. What the session may then do is {@link #adminPolicy()}'s to say, per
   * request.
   */
  static Gatehouse consoleSignIn(Parts parts) {
    Gatehouse.Builder builder = Gatehouse.builder().clock(parts.clock());
    parts.listeners().forEach(builder::listener);
    return builder
        .spaceResolver(parts.spaces())
        .spaceCheck(parts.spaceCheck())
        .clientAddressResolver(IpFilter.clientAddressResolver())
        .addressFilter(IpFilter.addressFilter())
        .credentialThrottle(parts.throttle())
        .authenticator(parts.keys().adminAuthenticator())
        .accessPolicy(
            (request, identity) ->
                identity.access() == Access.ADMIN
                        && (identity.hasPermission(MANAGE)
                            || identity.hasPermission(TOKENS)
                            || identity.hasPermission(SETTINGS)
                            || identity.hasPermission(AUDIT))
                    ? null
                    : "the console needs an admin token with permission '"
                        + MANAGE
                        + "', '"
                        + TOKENS
                        + "', '"
                        + SETTINGS
                        + "' or '"
                        + AUDIT
                        + "'")
        .settings(parts.settings())
        .build();
  }

  /** True when {@code identity} may change settings (and so run the console's JWKS test fetch). */
  static boolean canChangeSettings(io.gatehouse.core.Identity identity) {
    return identity.access() == Access.ADMIN
        && (identity.hasPermission(MANAGE) || identity.hasPermission(SETTINGS));
  }

  /** Runs {@code request} through {@code gatehouse} as a dry run. */
  static Management.CheckResult check(Gatehouse gatehouse, Management.CheckRequest request) {
    String method = request.method().toUpperCase(Locale.ROOT);
    if (!METHOD.matcher(method).matches()) {
      throw new IllegalArgumentException("invalid HTTP method '" + request.method() + "'");
    }
    if (!request.path().startsWith("/")) {
      throw new IllegalArgumentException(
          "the path must start with '/', was '" + request.path() + "'");
    }
    AuthRequest.Builder builder = AuthRequest.builder().method(method);
    int query = request.path().indexOf('?');
    if (query >= 0) {
      builder
          .path(request.path().substring(0, query))
          .rawQuery(request.path().substring(query + 1));
    } else {
      builder.path(request.path());
    }
    for (String line : request.headers()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "a header is 'Name: value', got '" + io.gatehouse.core.Redact.safe(line) + "'");
      }
      builder.header(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    String ip = request.ip() == null ? "127.0.0.1" : request.ip();
    builder.remoteAddress(new InetSocketAddress(IpAddress.parse(ip).toInetAddress(), 0));
    Decision decision;
    try {
      decision = gatehouse.decide(builder.build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the decision did not complete: " + e, e);
    }
    return new Management.CheckResult(decision.allowed(), decision.status(), decision.explain());
  }
}
