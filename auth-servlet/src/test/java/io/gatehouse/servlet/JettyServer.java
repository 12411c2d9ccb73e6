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

  /**
   * Two filters with their own pipelines, as an app with an admin API behind its own filter would
   * have: {@code app} on every path, {@code admin} on {@code /admin/*}, both for every dispatch
   * type that can carry a request to them. {@code /app/*} forwards to {@code /admin/*} (the same
   * rest of the path); {@code /admin/*} is {@link #app}.
   */
  JettyServer(GatehouseFilter app, GatehouseFilter admin) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    EnumSet<DispatcherType> types =
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD);
    FilterHolder appHolder = new FilterHolder(app);
    appHolder.setAsyncSupported(true);
    context.addFilter(appHolder, "/*", types);
    FilterHolder adminHolder = new FilterHolder(admin);
    adminHolder.setAsyncSupported(true);
    context.addFilter(adminHolder, "/admin/*", types);
    ServletHolder forwarder =
        new ServletHolder(
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void service(HttpServletRequest request, HttpServletResponse response)
                  throws jakarta.servlet.ServletException, IOException {
                request
                    .getRequestDispatcher("/admin" + request.getPathInfo())
                    .forward(request, response);
              }
            });
    forwarder.setAsyncSupported(true);
    context.addServlet(forwarder, "/app/*");
    ServletHolder adminServlet = new ServletHolder(this.app);
    adminServlet.setAsyncSupported(true);
    context.addServlet(adminServlet, "/admin/*");
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

  /** Roles an app might ask about: bare names (never held), and each prefixed namespace. */
  static final java.util.List<String> ROLES =
      java.util.List.of(
          "deploy",
          "READ_WRITE",
          "ADMIN",
          "admin",
          "access:READ",
          "access:READ_WRITE",
          "access:ADMIN",
          "perm:deploy",
          "perm:ADMIN",
          "scope:deploy",
          "scope:ADMIN");

  /** One {@code role.<name>=<held>} line per role of {@link #ROLES}, each after a line break. */
  static String roles(HttpServletRequest request) {
    StringBuilder out = new StringBuilder();
    for (String role : ROLES) {
      out.append("\nrole.").append(role).append('=').append(request.isUserInRole(role));
    }
    return out.toString();
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
              + roles(request)
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
