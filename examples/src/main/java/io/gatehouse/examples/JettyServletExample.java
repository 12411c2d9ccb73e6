package io.gatehouse.examples;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Identity;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A servlet application on Jetty 12 run by a {@link ManagedGatehouse}: tokens, IP rules and JWT
 * issuers come from the store that {@code ./gatehouse} and the console change, live. {@code GET
 * /api/me} answers with the caller's identity as JSON, {@code POST /api/me} is a write (READ_WRITE
 * tokens, within office hours), and the console is at {@code /_admin/}.
 *
 * <pre>
 * ./examples/run jetty [port]
 * </pre>
 */
public final class JettyServletExample {
  private JettyServletExample() {}

  public static void main(String[] args) throws Exception {
    int port = Demo.port(args, 8080);
    ServletContextHandler context = new ServletContextHandler();
    ManagedGatehouse managed = embed(context, Demo.STORE);
    try {
      Server server = start(port, context);
      int bound = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      Demo.printNextSteps(System.out, "Jetty example", Demo.STORE, bound, true);
      server.join();
    } finally {
      managed.close();
    }
  }

  // README:begin
  /** Gatehouse in front of /api/*, the console and its admin API on /_admin/*. */
  public static ManagedGatehouse embed(ServletContextHandler context, Path storeDirectory) {
    ManagedGatehouse managed =
        ManagedGatehouse.builder(TokenStores.h2Url(storeDirectory)) // or jdbc:postgresql://...
            .hook(
                new OfficeHoursHook(
                    ZoneId.of("Europe/Paris"), LocalTime.of(8, 0), LocalTime.of(18, 0)))
            .build();
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(managed.gatehouse()).build());
    filter.setAsyncSupported(true); // pending decisions free the container thread
    context.addFilter(filter, "/api/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder admin = new ServletHolder(managed.adminServlet()); // console + admin API
    admin.setAsyncSupported(true);
    context.addServlet(admin, "/_admin/*");
    return managed; // close() it when the app stops
  }

  // README:end

  /** Adds the app on /api/* and starts Jetty on {@code port} (0: any free port). */
  public static Server start(int port, ServletContextHandler context) throws Exception {
    ServletHolder app = new ServletHolder(new WhoAmIServlet());
    app.setAsyncSupported(true); // the filter may finish its decision asynchronously
    context.addServlet(app, "/api/*");
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(context);
    server.setStopAtShutdown(true);
    server.start();
    return server;
  }

  /** The application: it only reads what the filter put on the request. */
  static final class WhoAmIServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Identity identity = (Identity) request.getAttribute(GatehouseFilter.IDENTITY);
      InetAddress client = (InetAddress) request.getAttribute(GatehouseFilter.CLIENT_ADDRESS);
      byte[] body = Demo.whoAmI(identity, client).getBytes(StandardCharsets.UTF_8);
      response.setContentType("application/json");
      response.setContentLength(body.length);
      response.getOutputStream().write(body);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      // A write: only READ_WRITE tokens get here, and only within office hours.
      response.setStatus(HttpServletResponse.SC_ACCEPTED);
      doGet(request, response);
    }
  }
}
