package io.gatehouse.cli;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.proxy.GatehouseProxy;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse proxy}: the managed pipeline in front of an HTTP app in any language. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run a reverse proxy that decides every request with the store's rules (the same as serve)"
          + " and passes allowed ones to --upstream with X-Gatehouse-Subject, -Access,"
          + " -Permissions, -Space and -Method; client-sent X-Gatehouse-* headers are dropped.",
      "Bodies stream both ways, upstream connections are kept alive, WebSocket upgrades are"
          + " decided like any request. Changes made with gatehouse apply within 2 s."
    })
final class ProxyCommand implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // set by picocli
  @ParentCommand
  GatehouseCommand root;

  @Option(
      names = "--upstream",
      required = true,
      paramLabel = "URL",
      description = "The app to protect: http://host:port (no path), e.g. http://127.0.0.1:3000")
  String upstream = "";

  @Option(names = "--port", paramLabel = "N", description = "Default: 8080 (0 picks a free one)")
  int port = 8080;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Listen address. Default: 127.0.0.1 (use 0.0.0.0 to listen on all)")
  String bind = "127.0.0.1";

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description = "The most connections open to the upstream at once. Default: 64")
  int maxConnections = 64;

  @Override
  public Integer call() throws Exception {
    if (root.serverUrl() != null) {
      throw CliException.usage("proxy runs on a store: drop --server / $GATEHOUSE_SERVER");
    }
    URI target = parseUpstream();
    try (ManagedGatehouse managed = root.openManaged()) {
      GatehouseProxy.Builder builder;
      try {
        builder =
            GatehouseProxy.builder(managed.gatehouse(), target)
                .bindAddress(bind)
                .port(port)
                .maxConnections(maxConnections);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(String.valueOf(e.getMessage()));
      }
      try (GatehouseProxy proxy = start(builder)) {
        PrintWriter out = root.out();
        out.println(
            "Gatehouse proxy on http://"
                + bind
                + ":"
                + proxy.port()
                + " -> "
                + target
                + " for space '"
                + root.space()
                + "' (store "
                + managed.store().describe()
                + ")");
        out.println("Every request needs a credential (x-apikey, or Authorization: Bearer JWT).");
        out.println("Changes made with gatehouse apply within 2 s. Press Ctrl-C to stop.");
        out.flush();
        proxy.awaitClose();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopped: the resources above are closed
    }
    return Main.EXIT_OK;
  }

  private URI parseUpstream() {
    try {
      return new URI(upstream);
    } catch (URISyntaxException e) {
      // getReason, never getMessage: the message quotes the raw value, which may hold a password.
      throw CliException.usage("--upstream is not a URL: " + e.getReason());
    }
  }

  private GatehouseProxy start(GatehouseProxy.Builder builder) {
    try {
      return builder.build().start();
    } catch (UncheckedIOException e) {
      throw CliException.usage(e.getMessage() + ": try another --port");
    }
  }
}
