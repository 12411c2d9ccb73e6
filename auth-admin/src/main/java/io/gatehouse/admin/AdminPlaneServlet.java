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
import org.jspecify.annotations.Nullable;

/**
 * {@link ManagedGatehouse#adminServlet()}: the console's pages, and under {@code /api/} the admin
 * API behind its own Gatehouse filter (admin tokens and console sessions). One servlet, so an app
 * mounts the whole operator plane with one line.
 */
final class AdminPlaneServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final String API = "/api";

  private final transient HttpServlet console;
  private final transient HttpFilter apiFilter;
  private final transient AdminServlet api;

  AdminPlaneServlet(HttpServlet console, HttpFilter apiFilter, AdminServlet api) {
    this.console = console;
    this.apiFilter = apiFilter;
    this.api = api;
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
    } else {
      console.service(request, response);
    }
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
