package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.Identity;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A request Gatehouse allowed, as Spring Security sees it: authenticated, the {@link Identity} as
 * principal ({@code @AuthenticationPrincipal Identity identity} in a controller), its subject as
 * name, and the authorities of {@link GatehouseAuthorities}. It holds no credential: the token or
 * JWT stays with Gatehouse.
 */
public final class GatehouseAuthentication extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;

  private final Identity identity;

  public GatehouseAuthentication(Identity identity) {
    super(GatehouseAuthorities.of(Objects.requireNonNull(identity, "identity")));
    this.identity = identity;
    setAuthenticated(true);
  }

  /** The identity Gatehouse established. */
  @Override
  public Identity getPrincipal() {
    return identity;
  }

  /** None: Gatehouse keeps the credential. */
  @Override
  public String getCredentials() {
    return "";
  }

  @Override
  public String getName() {
    return identity.subject();
  }
}
