package io.gatehouse.servlet;

import io.gatehouse.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request an allowed call reaches the application as: the container's security methods answer
 * from the Gatehouse {@link Identity}.
 */
final class IdentityRequest extends HttpServletRequestWrapper {
  private final Identity identity;
  private final IdentityPrincipal principal;

  IdentityRequest(HttpServletRequest request, Identity identity) {
    super(request);
    this.identity = identity;
    this.principal = new IdentityPrincipal(identity);
  }

  /** The identity this wrapper answers for. */
  Identity identity() {
    return identity;
  }

  @Override
  public Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public String getRemoteUser() {
    return identity.subject();
  }

  /** The authenticator or hook that established the identity, e.g. {@code apikey}. */
  @Override
  public String getAuthType() {
    return identity.method();
  }

  /**
   * True for the prefixed roles {@link IdentityPrincipal#hasRole} describes: {@code access:READ},
   * {@code perm:deploy} (admin permissions), {@code scope:read} (JWT scopes). Never for a bare
   * name.
   */
  @Override
  public boolean isUserInRole(String role) {
    return principal.hasRole(role);
  }
}
