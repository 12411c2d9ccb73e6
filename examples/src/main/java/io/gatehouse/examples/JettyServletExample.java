package io.gatehouse.examples;

import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A servlet application on Jetty 12 behind the Gatehouse filter. {@code GET /api/me} answers with
 * the caller's identity as JSON.
 *
 * <pre>
 * mvn -pl examples exec:java -Dexec.mainClass=io.gatehouse.examples.JettyServletExample [-Dexec.args=8081]
 * </pre>
 */
public final class JettyServletExample {
  private JettyServletExample() {}

  public static void main(String[] args) throws Exception {
    int port = Demo.port(args);
    Server server = start(port, Demo.gatehouse(Clock.systemUTC()));
    Demo.printUsage(
        "Jetty servlet example", ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    server.join();
  }

  /** Starts Jetty on {@code port} (0: any free port) with the filter in front of the app. */
  public static Server start(int port, Gatehouse gatehouse) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    // asyncSupported + the ASYNC dispatcher: slow decisions free the container thread.
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(gatehouse).build());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder app = new ServletHolder(new WhoAmIServlet());
    app.setAsyncSupported(true);
    context.addServlet(app, "/api/*");

    server.setHandler(context);
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
      // A write: only READ_WRITE tokens within office hours get here.
      response.setStatus(request.isUserInRole("perm:deploy") ? 202 : 403);
    }
  }
}
