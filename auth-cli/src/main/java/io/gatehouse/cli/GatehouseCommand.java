package io.gatehouse.cli;

import io.gatehouse.admin.AdminClient;
import io.gatehouse.admin.AdminException;
import io.gatehouse.admin.AdminStore;
import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.micrometer.GatehouseMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: global options and the subcommands. */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    version = "gatehouse 0.1.0",
    description = {
      "Manage Gatehouse API tokens, admin tokens, JWKS issuers and IP allow- and denylists, and run"
          + " the demo API.",
      "Start with: gatehouse demo"
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 refused or not found, 2 usage error, 3 store or server unreachable.",
      "Environment: GATEHOUSE_STORE, GATEHOUSE_STORE_USER, GATEHOUSE_STORE_PASSWORD,"
          + " GATEHOUSE_SPACE, GATEHOUSE_SERVER, GATEHOUSE_ADMINTOKEN."
    },
    subcommands = {
      TokenCommands.AddToken.class,
      TokenCommands.AddAdminToken.class,
      TokenCommands.ListTokens.class,
      TokenCommands.Revoke.class,
      TokenCommands.Rotate.class,
      TokenCommands.ImportToken.class,
      LimitsCommand.class,
      SettingsCommands.Jwks.class,
      SettingsCommands.JwtSecret.class,
      SettingsCommands.Whitelist.class,
      SettingsCommands.Denylist.class,
      SettingsCommands.TrustProxy.class,
      ProtectionCommands.Throttle.class,
      ProtectionCommands.Browsers.class,
      AuditCommand.class,
      SpacesCommand.class,
      RunCommands.Check.class,
      RunCommands.Serve.class,
      ProxyCommand.class,
      RunCommands.Demo.class
    })
final class GatehouseCommand implements Runnable {
  /** How often a store is polled for changes made by other processes. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  final CliEnvironment env;

  @Option(
      names = "--store",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description =
          "jdbc:postgresql://host/db (shared), jdbc:h2:file:/path, or a directory for an embedded"
              + " H2 file. Default: $GATEHOUSE_STORE, else ./.gatehouse/")
  @Nullable String store;

  @Option(
      names = "--space",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      description = "The space (tenant) to act on. Default: $GATEHOUSE_SPACE, else dev")
  @Nullable String space;

  @Option(
      names = "--server",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description =
          "Act through a running server's admin API instead of the store (remote mode). Default:"
              + " $GATEHOUSE_SERVER")
  @Nullable String server;

  @Option(
      names = "--admintoken",
      scope = ScopeType.INHERIT,
      paramLabel = "TOKEN",
      description =
          "Admin token for remote mode, holding permission 'manage' (or 'tokens' / 'settings')."
              + " Prefer $GATEHOUSE_ADMINTOKEN: options end up in shell history")
  @Nullable String adminToken;

  @Option(
      names = "--insecure",
      scope = ScopeType.INHERIT,
      description =
          "Remote mode: allow a plain http:// --server that is not on this machine. The admin"
              + " token then crosses the network in clear text; prefer https://")
  boolean insecure;

  GatehouseCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public void run() {
    env.out().println("gatehouse: manage tokens, JWKS and allowlists; run the demo API.");
    env.out().println("Try: gatehouse demo    or: gatehouse --help");
  }

  PrintWriter out() {
    return env.out();
  }

  String space() {
    String name = space != null ? space : env.env().getOrDefault("GATEHOUSE_SPACE", "dev");
    if (!Settings.isValidSpace(name)) {
      throw CliException.usage(
          "invalid space '"
              + io.gatehouse.core.Redact.safe(name)
              + "': use letters, digits and . _ - (max 64)");
    }
    return name;
  }

  @Nullable String serverUrl() {
    return server != null ? server : env.env().get("GATEHOUSE_SERVER");
  }

  StoreLocation location() {
    return StoreLocation.resolve(store, env.env(), env.workDir());
  }

  AdminStore openStore() {
    return location().open(env.clock(), POLL_INTERVAL, env.err());
  }

  /** The store as {@code serve} runs it: the managed pipeline, console and admin API. */
  ManagedGatehouse openManaged() {
    return openManaged(SpaceResolver.fixed(space()));
  }

  /** As {@link #openManaged()}, with requests mapped to spaces by {@code spaces}. */
  ManagedGatehouse openManaged(SpaceResolver spaces) {
    StoreLocation location = location();
    try {
      // The served app's meters, scraped at /_admin/metrics with a 'metrics' admin token.
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      GatehouseMetrics metrics = GatehouseMetrics.builder().percentileHistogram(true).build();
      metrics.bindTo(registry);
      return ManagedGatehouse.builder(location.url())
          .listener(metrics)
          .metricsEndpoint(registry::scrape)
          .credentials(location.user(), location.password())
          .clock(env.clock())
          .pollInterval(POLL_INTERVAL)
          .warnings(warning -> env.err().println("gatehouse: warning: " + warning))
          .spaceResolver(spaces)
          .build();
    } catch (AdminException e) {
      throw new CliException(Main.exitCode(e), String.valueOf(e.getMessage()), e);
    }
  }

  /** Remote when a server is named, else the store. */
  Management management() {
    String url = serverUrl();
    if (url != null) {
      String token = adminToken != null ? adminToken : env.env().get("GATEHOUSE_ADMINTOKEN");
      if (token == null) {
        throw CliException.usage("remote mode needs --admintoken or $GATEHOUSE_ADMINTOKEN");
      }
      AdminClient remote;
      try {
        remote = new AdminClient(url, token, insecure);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(String.valueOf(e.getMessage()));
      }
      if (remote.sendsTokenInClearText()) {
        env.err()
            .println(
                "gatehouse: warning: --insecure: the admin token goes to "
                    + remote.server()
                    + " in clear text");
      }
      return remote;
    }
    return management(space());
  }

  /** The operations on the store in {@code space} (local mode only). */
  Management management(String space) {
    return openStore().managementClosingStore(space, Caller.operator());
  }

  /** Where the command acts, for messages: the server, or the space. */
  String target(SpaceConfig config) {
    return "space '" + config.space() + "'";
  }
}
