package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * The registered filter: the {@link GatehouseFilter} on every guarded request, except those the
 * container mapped to the admin servlet (which decides for itself, with console sessions and admin
 * tokens); on an allowed request, each {@link IdentityBridge} (Spring Security's) hears of the
 * identity before the rest of the chain runs. Not registered for the ERROR dispatch: the security
 * context the bridge saved stays on the request for its error page, and a request never decided
 * here (the admin servlet's) has no Gatehouse identity to bring there.
 */
final class GuardingFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  private final GatehouseFilter gatehouse;
  private final boolean adminServed;
  private final transient List<IdentityBridge> bridges;

  GuardingFilter(GatehouseFilter gatehouse, boolean adminServed, List<IdentityBridge> bridges) {
    this.gatehouse = gatehouse;
    this.adminServed = adminServed;
    this.bridges = List.copyOf(bridges);
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    // The servlet path is the container's mapping, decoded and normalised: no spelling of another
    // path reaches the admin servlet's "/_admin".
    if (adminServed && ManagedGatehouse.ADMIN_PATH.equals(request.getServletPath())) {
      chain.doFilter(request, response);
      return;
    }
    if (bridges.isEmpty()) {
      gatehouse.doFilter(request, response, chain);
      return;
    }
    gatehouse.doFilter(
        request,
        response,
        (allowedRequest, allowedResponse) -> {
          bridge((HttpServletRequest) allowedRequest, (HttpServletResponse) allowedResponse);
          chain.doFilter(allowedRequest, allowedResponse);
        });
  }

  private void bridge(HttpServletRequest request, HttpServletResponse response) {
    if (request.getAttribute(GatehouseFilter.IDENTITY) instanceof Identity identity) {
      for (IdentityBridge bridge : bridges) {
        bridge.allowed(identity, request, response);
      }
    }
  }

  @Override
  public String toString() {
    return "GatehouseGuardingFilter[" + gatehouse + "]";
  }
}
