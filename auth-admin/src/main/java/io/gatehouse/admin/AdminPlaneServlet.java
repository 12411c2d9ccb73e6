package io.gatehouse.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link ManagedGatehouse#adminServlet()}: the console's pages, and under {@code /api/} the admin
 * API behind its own Gatehouse filter (admin tokens and console sessions), as is {@code /metrics}
 * (Prometheus text, when the app gave a source). One servlet, so an app mounts the whole operator
 * plane with one line.
 */
final class AdminPlaneServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final String API = "/api";
  private static final String METRICS = "/metrics";

  /** The Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final transient HttpServlet console;
  private final transient HttpFilter apiFilter;
  private final transient AdminServlet api;
  private final transient @Nullable Supplier<String> metrics;

  AdminPlaneServlet(
      HttpServlet console,
      HttpFilter apiFilter,
      AdminServlet api,
      @Nullable Supplier<String> metrics) {
    this.console = console;
    this.apiFilter = apiFilter;
    this.api = api;
    this.metrics = metrics;
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    console.init(config);
    api.init(config);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    String path = request.getPathInfo();
    if (path != null && (path.equals(API) || path.startsWith(API + "/"))) {
      FilterChain toApi =
          (req, res) ->
              api.service(new ApiRequest((HttpServletRequest) req), (HttpServletResponse) res);
      apiFilter.doFilter(request, response, toApi);
    } else if (METRICS.equals(path)) {
      apiFilter.doFilter(
          request,
          response,
          (req, res) -> scrape((HttpServletRequest) req, (HttpServletResponse) res));
    } else {
      console.service(request, response);
    }
  }

  /** The Prometheus text, for a caller the filter let through (permission metrics or manage). */
  private void scrape(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Supplier<String> source = metrics;
    if (source == null) {
      HttpJson.error(request, response, 404, "no metrics: this app configured none");
      return;
    }
    if (!"GET".equals(request.getMethod())) {
      response.setHeader("Allow", "GET");
      HttpJson.error(request, response, 405, "metrics are read with GET");
      return;
    }
    byte[] body = source.get().getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setContentType(PROMETHEUS_TEXT);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  @Override
  public void destroy() {
    console.destroy();
    api.destroy();
    super.destroy();
  }

  /** The request as the admin API sees it: its path info relative to {@code /api}. */
  private static final class ApiRequest extends HttpServletRequestWrapper {
    ApiRequest(HttpServletRequest request) {
      super(request);
    }

    @Override
    public @Nullable String getPathInfo() {
      String path = super.getPathInfo();
      if (path == null || !path.startsWith(API)) {
        return path;
      }
      String rest = path.substring(API.length());
      return rest.isEmpty() ? null : rest;
    }

    @Override
    public String getServletPath() {
      return super.getServletPath() + API;
    }
  }
}
