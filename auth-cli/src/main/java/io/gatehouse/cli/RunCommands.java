package io.gatehouse.cli;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.ipfilter.IpAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands that run the pipeline: check, serve, demo. */
final class RunCommands {
  private RunCommands() {}

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Dry run: decide a request with the serve pipeline and explain why, stage by stage.",
        "Exit code 0 when allowed, 1 when refused."
      })
  static final class Check implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Option(
        names = {"-H", "--header"},
        paramLabel = "'Name: value'",
        description = "A request header (repeatable), e.g. -H 'x-apikey: ghk_...'")
    List<String> headers = new ArrayList<>();

    @Option(
        names = "--ip",
        paramLabel = "A",
        description = "The caller's address. Default: 127.0.0.1")
    @Nullable String ip;

    @Parameters(index = "0", paramLabel = "METHOD", description = "GET, POST, ...")
    String method = "";

    @Parameters(index = "1", paramLabel = "PATH", description = "e.g. /api/items")
    String path = "";

    @Option(
        names = "--space-from",
        paramLabel = "host|path|header",
        description =
            "Decide the space as serve --space-from does: from the Host header (-H 'Host: ...'),"
                + " the path, or -H 'X-Gatehouse-Space: ...'. Default: the fixed --space")
    @Nullable String spaceFrom;

    @Override
    public Integer call() {
      if (ip != null) {
        var unused = IpAddress.parse(ip); // a malformed address is a usage error, before any I/O
      }
      String space = root.space();
      if (spaceFrom != null) {
        SpaceMapping mapping = SpaceMapping.parse(spaceFrom);
        requireLocal(root, "check --space-from");
        String resolved = mapping.resolver().resolve(asRequest());
        if (resolved == null) {
          root.out()
              .println(
                  "REFUSED 401 malformed: the request names no valid space ("
                      + mapping.describe()
                      + ")");
          return Main.EXIT_REFUSED;
        }
        space = resolved;
      }
      try (Management management = spaceFrom == null ? root.management() : root.management(space)) {
        Management.CheckResult result =
            management.check(new Management.CheckRequest(method, path, headers, ip));
        root.out().println(result.explain());
        return result.allowed() ? Main.EXIT_OK : Main.EXIT_REFUSED;
      }
    }

    /** The request as the space resolver sees it (method, path, headers). */
    private io.gatehouse.core.AuthRequest asRequest() {
      io.gatehouse.core.AuthRequest.Builder builder =
          io.gatehouse.core.AuthRequest.builder().method(method.toUpperCase(java.util.Locale.ROOT));
      int query = path.indexOf('?');
      builder.path(query < 0 ? path : path.substring(0, query));
      for (String line : headers) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          builder.header(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
      }
      return builder.build();
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Run the demo API: GET /api/hello and POST /api/items answer with the caller's identity.",
        "Admin API for remote mode under /_admin/api/. Changes made with gatehouse apply within"
            + " 2 s."
      })
  static final class Serve implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Mixin Listen listen = new Listen();

    @Option(
        names = "--space-from",
        paramLabel = "host|path|header",
        description =
            "Map each request to a space by the Host header's first label (dev.example.com), the"
                + " path's first segment (/dev/...; the path is passed on unchanged) or the"
                + " X-Gatehouse-Space header. Requests in a space the store does not declare are"
                + " refused (403 unknown_space). Default: every request in the fixed --space")
    @Nullable String spaceFrom;

    @Option(
        names = "--forward-auth",
        description =
            "Also answer forward-auth subrequests at /_authz (nginx auth_request, Traefik"
                + " ForwardAuth, Envoy ext_authz path_prefix /_authz): 200 with X-Gatehouse-*"
                + " identity headers, or the refusal. Listen on an internal address only; see"
                + " docs/FORWARD-AUTH.md")
    boolean forwardAuth;

    @Override
    public Integer call() throws Exception {
      requireLocal(root, "serve");
      SpaceMapping mapping = spaceFrom == null ? null : SpaceMapping.parse(spaceFrom);
      try (ManagedGatehouse managed =
          mapping == null ? root.openManaged() : root.openManaged(mapping.resolver())) {
        String spaces = mapping == null ? "space '" + root.space() + "'" : mapping.describe();
        DemoServer server =
            start(
                managed,
                listen.host,
                listen.port,
                spaces,
                mapping == SpaceMapping.PATH,
                forwardAuth);
        PrintWriter out = root.out();
        out.println(
            "Gatehouse demo API on "
                + server.uri()
                + " for "
                + server.spaces()
                + " (store "
                + managed.store().describe()
                + ")");
        out.println(
            "  GET  /api/hello     any valid token (x-apikey, or Authorization: Bearer JWT)");
        out.println("  POST /api/items     a READ_WRITE token");
        out.println("  /_admin/api/...     an admin token with permission 'manage'");
        out.println("  /_admin/            the admin console (sign in with such an admin token)");
        out.println("  GET  /_health/live, /_health/ready   no credential (ready: 503 when DOWN)");
        if (forwardAuth) {
          out.println(
              "  /_authz             forward auth: decides X-Original-URI/-Method (nginx),"
                  + " X-Forwarded-Uri/-Method (Traefik) or /_authz/<path> (Envoy)");
        }
        out.println(
            "  /_admin/metrics     Prometheus text, an admin token with permission 'metrics'");
        out.println("Changes made with gatehouse apply within 2 s. Press Ctrl-C to stop.");
        out.flush();
        run(root, server);
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = {
        "The newcomer path: prepares the store, creates a READ_WRITE and a READ token, starts"
            + " serve, and prints curl lines that show 200, 401 and 403."
      })
  static final class Demo implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Mixin Listen listen = new Listen();

    @Override
    public Integer call() throws Exception {
      requireLocal(root, "demo");
      PrintWriter out = root.out();
      String space = root.space();
      StoreLocation location = root.location();
      out.println("Preparing the store at " + location.describe() + " ...");
      out.flush();
      try (ManagedGatehouse managed = root.openManaged()) {
        out.println("Creating a READ_WRITE and a READ token in space '" + space + "' ...");
        out.flush();
        Management management = managed.management(space, Caller.operator());
        String readWrite =
            management
                .createToken(
                    new Management.TokenRequest(false, false, "demo-rw", null, List.of(), null))
                .token();
        String read =
            management
                .createToken(
                    new Management.TokenRequest(false, true, "demo-read", null, List.of(), null))
                .token();
        warnAboutAddressSettings(out, management.settings());
        out.println("Starting the demo API ...");
        out.flush();
        DemoServer server =
            start(managed, listen.host, listen.port, "space '" + root.space() + "'", false, false);
        String base = server.uri().toString();
        out.println();
        out.println("Gatehouse demo API is running on " + base + " (space '" + space + "').");
        out.println("Paste these into another terminal:");
        out.println();
        curl(
            out,
            "200: the READ_WRITE token may read",
            "curl -i " + base + "/api/hello -H 'x-apikey: " + readWrite + "'");
        curl(
            out,
            "201: ... and write",
            "curl -i -X POST "
                + base
                + "/api/items -H 'x-apikey: "
                + readWrite
                + "' -d '{\"name\":\"first\"}'");
        curl(
            out,
            "200: the READ token may read",
            "curl -i " + base + "/api/hello -H 'x-apikey: " + read + "'");
        curl(out, "401: no token", "curl -i " + base + "/api/hello");
        curl(
            out,
            "403: the READ token may not write",
            "curl -i -X POST "
                + base
                + "/api/items -H 'x-apikey: "
                + read
                + "' -d '{\"name\":\"second\"}'");
        out.println("  # Why? A dry run explains any decision:");
        out.println(
            "  ./gatehouse"
                + (space.equals("dev") ? "" : " --space " + space)
                + " check -H 'x-apikey: "
                + read
                + "' POST /api/items");
        out.println();
        out.println("Tokens: ./gatehouse tokens    Press Ctrl-C to stop.");
        out.flush();
        run(root, server);
      }
      return Main.EXIT_OK;
    }

    /** A space reused from earlier runs may hold rules that make the printed lines fail. */
    private static void warnAboutAddressSettings(PrintWriter out, SpaceConfig config) {
      if (!config.allow().isEmpty()) {
        out.println(
            "Note: space '"
                + config.space()
                + "' has an allowlist ("
                + String.join(", ", config.allow())
                + "): other addresses get 403. Undo with ./gatehouse whitelist --remove ...");
      }
      if (!config.proxies().isNone()) {
        out.println(
            "Note: space '"
                + config.space()
                + "' trusts proxies ("
                + config.proxies().describe()
                + "). Undo with ./gatehouse trust-proxy --none");
        if (config.proxies().trustsAnyPeer()) {
          out.println(SettingsCommands.TrustProxy.ANY_PEER_WARNING);
        }
      }
    }

    private static void curl(PrintWriter out, String comment, String line) {
      out.println("  # " + comment);
      out.println("  " + line);
      out.println();
    }
  }

  private static void requireLocal(GatehouseCommand root, String command) {
    if (root.serverUrl() != null) {
      throw CliException.usage(command + " runs on a store: drop --server / $GATEHOUSE_SERVER");
    }
  }

  private static DemoServer start(
      ManagedGatehouse managed,
      String host,
      int port,
      String spaces,
      boolean guardEveryPath,
      boolean forwardAuth)
      throws Exception {
    if (port < 0 || port > 65535) {
      throw CliException.usage("--port must be 0-65535, was " + port);
    }
    try {
      return new DemoServer(managed, spaces, host, port, guardEveryPath, forwardAuth);
    } catch (IOException e) {
      throw CliException.usage(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): try another --port");
    }
  }

  private static void run(GatehouseCommand root, DemoServer server) throws InterruptedException {
    try {
      root.env.onServe().accept(server);
      server.join();
    } finally {
      server.close();
    }
  }

  /** Where {@code serve} and {@code demo} listen. */
  static final class Listen {
    @Option(names = "--port", paramLabel = "N", description = "Default: 8080 (0 picks a free one)")
    int port = 8080;

    @Option(
        names = "--host",
        paramLabel = "ADDR",
        description = "Listen address. Default: 127.0.0.1 (use 0.0.0.0 to listen on all)")
    String host = "127.0.0.1";
  }
}
