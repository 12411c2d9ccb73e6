package io.gatehouse.servlet;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Identity;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty 12 server on a loopback port with the filter in front of {@link AppServlet}. */
final class JettyServer implements AutoCloseable {
  final Server server;
  final AppServlet app = new AppServlet();
  final int port;

  JettyServer(GatehouseFilter filter, boolean asyncSupported) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filterHolder = new FilterHolder(filter);
    filterHolder.setAsyncSupported(asyncSupported);
    context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder servletHolder = new ServletHolder(app);
    servletHolder.setAsyncSupported(asyncSupported);
    context.addServlet(servletHolder, "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }

  /** Answers with what it sees of the caller, one {@code key=value} per line. */
  static final class AppServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    final AtomicInteger calls = new AtomicInteger();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      calls.incrementAndGet();
      long bodyBytes = 0;
      try (InputStream body = request.getInputStream()) {
        bodyBytes = body.transferTo(java.io.OutputStream.nullOutputStream());
      }
      Identity identity = (Identity) request.getAttribute(GatehouseFilter.IDENTITY);
      Decision decision = (Decision) request.getAttribute(GatehouseFilter.DECISION);
      InetAddress client = (InetAddress) request.getAttribute(GatehouseFilter.CLIENT_ADDRESS);
      String text =
          "subject="
              + (identity == null ? "none" : identity.subject())
              + "\nprincipal="
              + (request.getUserPrincipal() == null ? "none" : request.getUserPrincipal().getName())
              + "\nremoteUser="
              + request.getRemoteUser()
              + "\nauthType="
              + request.getAuthType()
              + "\nrole.deploy="
              + request.isUserInRole("deploy")
              + "\nrole.READ_WRITE="
              + request.isUserInRole("READ_WRITE")
              + "\nrole.admin="
              + request.isUserInRole("admin")
              + "\nclient="
              + (client == null ? "none" : client.getHostAddress())
              + "\nallowed="
              + (decision != null && decision.allowed())
              + "\ndispatch="
              + request.getDispatcherType()
              + "\nmethod="
              + request.getMethod()
              + "\nbody="
              + bodyBytes
              + "\n";
      response.setContentType("text/plain");
      response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
