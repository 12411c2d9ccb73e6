package io.gatehouse.servlet;

import io.gatehouse.core.Identity;
import java.security.Principal;
import java.util.Objects;

/**
 * The {@link Principal} that {@code getUserPrincipal()} returns for a request Gatehouse allowed:
 * its name is the identity's subject.
 *
 * @param identity who the caller is
 */
public record IdentityPrincipal(Identity identity) implements Principal {

  public IdentityPrincipal {
    Objects.requireNonNull(identity, "identity");
  }

  @Override
  public String getName() {
    return identity.subject();
  }
}
