package io.gatehouse.embedding;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A servlet app as a user would write it: {@code GatehouseFilter} over {@code managed.gatehouse()}
 * on {@code /api/*}, {@code managed.adminServlet()} (the console and its API) on {@code /_admin/*}.
 */
final class JettyApp extends App {
  private final Server server;
  private final ServerConnector connector;

  JettyApp(ManagedGatehouse managed) throws Exception {
    super("jetty", managed);
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(managed.gatehouse()).build());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/api/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    context.addServlet(new ServletHolder(new Hello()), "/api/*");
    ServletHolder admin = new ServletHolder(managed.adminServlet());
    admin.setAsyncSupported(true);
    context.addServlet(admin, ManagedGatehouse.ADMIN_PATH + "/*");
    server.setHandler(context);
    server.start();
  }

  @Override
  URI base() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  void stop() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop cleanly", e);
    }
  }

  /** The app's own API: answers whoever the filter let in. */
  private static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.getWriter().write("hello\n");
    }
  }
}
