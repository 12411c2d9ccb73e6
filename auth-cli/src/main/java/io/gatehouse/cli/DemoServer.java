package io.gatehouse.cli;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * The demo API: Jetty with a {@link ManagedGatehouse}'s filter on {@code /api/*} and its admin
 * servlet (the console and the admin API) on {@code /_admin/*}, and its health servlet, outside
 * every filter, on {@code /_health/*}; with {@code serve --forward-auth}, the forward-auth endpoint
 * on {@code /_authz/*}, outside every filter too. It embeds Gatehouse exactly as an app would: a
 * token, allowlist or JWKS change made by any process sharing the store applies to the next
 * request, with no restart.
 */
final class DemoServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final ManagedGatehouse managed;
  private final String spaces;

  /**
   * @param spaces how requests map to spaces, for the banner
   * @param guardEveryPath the filter guards every path, not only {@code /api/*}: for {@code
   *     --space-from path}, where {@code /dev/api/...} is in space {@code dev}
   * @param forwardAuth also mount {@link ManagedGatehouse#forwardAuthServlet()} at {@code
   *     /_authz/*}, in a context of its own (no filter), accepting request heads up to 32 KiB so an
   *     original URI of 8 KiB fits
   */
  DemoServer(
      ManagedGatehouse managed,
      String spaces,
      String host,
      int port,
      boolean guardEveryPath,
      boolean forwardAuth)
      throws Exception {
    this.managed = managed;
    this.spaces = spaces;
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    if (forwardAuth) {
      http.setRequestHeaderSize(32 * 1024);
    }
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(managed.gatehouse()).build());
    filter.setAsyncSupported(true);
    context.addFilter(
        filter,
        guardEveryPath ? "/*" : "/api/*",
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder api = new ServletHolder(new io.gatehouse.admin.DemoApi());
    api.setAsyncSupported(true);
    context.addServlet(api, "/api/*");
    ServletHolder admin = new ServletHolder(managed.adminServlet());
    admin.setAsyncSupported(true);
    context.addServlet(admin, ManagedGatehouse.ADMIN_PATH + "/*");
    // Health in a context of its own, so no Gatehouse filter (not even one on /*) applies to it.
    ServletContextHandler health = new ServletContextHandler();
    health.setContextPath(ManagedGatehouse.HEALTH_PATH);
    health.addServlet(new ServletHolder(managed.healthServlet()), "/*");
    if (forwardAuth) {
      ServletContextHandler authz = new ServletContextHandler();
      authz.setContextPath(ManagedGatehouse.FORWARD_AUTH_PATH);
      // nginx and Traefik ask /_authz itself: answer it, do not redirect to /_authz/.
      authz.setAllowNullPathInContext(true);
      ServletHolder endpoint = new ServletHolder(managed.forwardAuthServlet());
      endpoint.setAsyncSupported(true);
      authz.addServlet(endpoint, "/*");
      server.setHandler(new ContextHandlerCollection(health, authz, context));
    } else {
      server.setHandler(new ContextHandlerCollection(health, context));
    }
    server.setStopAtShutdown(true);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      throw e;
    }
  }

  int port() {
    return connector.getLocalPort();
  }

  /** How requests map to spaces, e.g. "space 'dev'". */
  String spaces() {
    return spaces;
  }

  ManagedGatehouse managed() {
    return managed;
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

  /** Stops the server; the {@link ManagedGatehouse} is its owner's to close. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the server did not stop cleanly", e);
    }
  }
}
