package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Puts a {@link GatehouseAuthentication} where Spring Security's filter chain looks first for the
 * request's security context: the request attribute of {@link
 * RequestAttributeSecurityContextRepository}, which every {@code HttpSecurity} reads by default
 * (alone, or before the session). So any {@code SecurityFilterChain}, the app's own included, sees
 * the Gatehouse identity with no configuration; nothing is stored in a session.
 */
final class SecurityContextBridge implements IdentityBridge {
  private final SecurityContextHolderStrategy strategy;
  private final RequestAttributeSecurityContextRepository repository =
      new RequestAttributeSecurityContextRepository();

  SecurityContextBridge(SecurityContextHolderStrategy strategy) {
    this.strategy = strategy;
  }

  @Override
  public void allowed(Identity identity, HttpServletRequest request, HttpServletResponse response) {
    SecurityContext context = strategy.createEmptyContext();
    context.setAuthentication(new GatehouseAuthentication(identity));
    repository.saveContext(context, request, response);
  }
}
