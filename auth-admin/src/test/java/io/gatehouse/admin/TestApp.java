package io.gatehouse.admin;

import io.gatehouse.core.Identity;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** An app as a user writes it: a managed Gatehouse on /api/*, its admin servlet on /_admin/*. */
final class TestApp implements AutoCloseable {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Server server;
  private final ServerConnector connector;

  TestApp(ManagedGatehouse managed) throws Exception {
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
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

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
  }

  String base() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  static HttpResponse<String> send(HttpRequest.Builder request, String... headers)
      throws Exception {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the test app did not stop", e);
    }
  }

  /** Answers with the caller's subject and access. */
  private static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Identity identity = (Identity) request.getAttribute(GatehouseFilter.IDENTITY);
      response.setContentType("text/plain");
      response.getWriter().print(identity.subject() + " " + identity.access());
    }
  }
}
