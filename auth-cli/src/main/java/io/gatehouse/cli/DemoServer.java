package io.gatehouse.cli;

import io.gatehouse.console.AdminConsole;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.SettingsHolder;
import io.gatehouse.jwks.JwtAuthenticator;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The demo API: Jetty with the {@link GatehouseFilter} on {@code /api/*} and {@code /_admin/api/*}
 * (where console sessions are accepted too), the admin console under {@code /_admin/}, the pipeline
 * of {@link Pipelines#build}, and settings kept in step with the store by {@link SettingsSync}: a
 * token, allowlist or JWKS change made by any process sharing the store applies to the next
 * request, with no restart.
 */
final class DemoServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final SettingsSync sync;
  private final AdminConsole console;
  private final String space;

  DemoServer(StoreLocation.OpenStore store, String space, String host, int port, Clock clock)
      throws Exception {
    this.space = space;
    SettingsHolder holder = new SettingsHolder();
    this.sync = new SettingsSync(store.settings(), store.keys().store().changes(), holder);
    JwtAuthenticator jwt = JwtAuthenticator.builder().clock(clock).build();
    Gatehouse gatehouse = Pipelines.build(space, store.keys(), jwt, holder);
    // The console ends a session when its admin token changes anywhere (revoked, rotated: by
    // this server, the CLI or another instance), on a reload-all, and at its periodic re-check,
    // so a missed change event cannot keep a session alive.
    this.console =
        AdminConsole.builder(Pipelines.consoleSignIn(space, store.keys(), holder))
            .clock(clock)
            .testFetchAllowed(Pipelines::canChangeSettings)
            .tokenStore(store.keys().store())
            .build();
    // The admin API takes console sessions first (cookie + CSRF token), then admin tokens.
    Gatehouse adminGatehouse =
        Pipelines.build(space, store.keys(), jwt, holder, console.authenticator());

    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(gatehouse).build());
    filter.setAsyncSupported(true);
    EnumSet<DispatcherType> dispatches = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC);
    context.addFilter(filter, "/api/*", dispatches);
    FilterHolder adminFilter = new FilterHolder(GatehouseFilter.builder(adminGatehouse).build());
    adminFilter.setAsyncSupported(true);
    context.addFilter(adminFilter, AdminServlet.PREFIX + "/*", dispatches);
    context.addServlet(new ServletHolder(console.servlet()), Pipelines.ADMIN_PREFIX + "*");
    ServletHolder api = new ServletHolder(new DemoApi());
    api.setAsyncSupported(true);
    context.addServlet(api, "/api/*");
    ServletHolder admin =
        new ServletHolder(
            new AdminServlet(
                (adminSpace, caller) ->
                    new LocalManagement(
                        store,
                        adminSpace,
                        caller,
                        clock,
                        request -> Pipelines.check(gatehouse, request),
                        false)));
    admin.setAsyncSupported(true);
    context.addServlet(admin, AdminServlet.PREFIX + "/*");
    server.setHandler(context);
    server.setStopAtShutdown(true);
    try {
      server.start();
    } catch (Exception e) {
      console.close();
      sync.close();
      server.stop();
      throw e;
    }
  }

  int port() {
    return connector.getLocalPort();
  }

  String space() {
    return space;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  URI uri() {
    String host = connector.getHost();
    if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
      host = "localhost";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  /** Blocks until the server stops. */
  void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    console.close();
    sync.close();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the server did not stop cleanly", e);
    }
  }
}
