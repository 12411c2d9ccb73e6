package io.gatehouse.servlet;

import io.gatehouse.core.Identity;
import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Principal} that {@code getUserPrincipal()} returns for a request Gatehouse allowed:
 * its name is the identity's subject.
 *
 * <p>Its roles ({@code isUserInRole}) keep three namespaces apart by prefix, so a JWT whose {@code
 * scope} says {@code ADMIN} or {@code deploy} never passes for an admin:
 *
 * <ul>
 *   <li>{@code access:READ}, {@code access:READ_WRITE} or {@code access:ADMIN}: the identity's
 *       {@link io.gatehouse.core.Access}, exactly one of them ({@code ADMIN} does not imply {@code
 *       READ_WRITE});
 *   <li>{@code perm:<name>}: a named permission of an admin token (or of another non-JWT identity,
 *       e.g. one an authhook made), such as {@code perm:deploy};
 *   <li>{@code scope:<name>}: a scope of a JWT (an identity whose method is {@value #JWT_METHOD}),
 *       such as {@code scope:read:items}.
 * </ul>
 *
 * A role without one of these prefixes is never held.
 *
 * @param identity who the caller is
 */
public record IdentityPrincipal(Identity identity) implements Principal {
  /** Prefix of the access role: {@code access:READ_WRITE}. */
  public static final String ACCESS_PREFIX = "access:";

  /** Prefix of a permission role: {@code perm:deploy}. */
  public static final String PERMISSION_PREFIX = "perm:";

  /** Prefix of a JWT scope role: {@code scope:read}. */
  public static final String SCOPE_PREFIX = "scope:";

  /** The {@link Identity#method()} of identities auth-jwks establishes from a JWT. */
  public static final String JWT_METHOD = "jwt";

  public IdentityPrincipal {
    Objects.requireNonNull(identity, "identity");
  }

  @Override
  public String getName() {
    return identity.subject();
  }

  /** True when the caller holds {@code role}, spelled with its prefix (see the class comment). */
  public boolean hasRole(@Nullable String role) {
    if (role == null) {
      return false;
    }
    if (role.startsWith(ACCESS_PREFIX)) {
      return identity.access().name().equals(role.substring(ACCESS_PREFIX.length()));
    }
    if (role.startsWith(PERMISSION_PREFIX)) {
      return !fromJwt() && identity.hasPermission(role.substring(PERMISSION_PREFIX.length()));
    }
    if (role.startsWith(SCOPE_PREFIX)) {
      return fromJwt() && identity.hasPermission(role.substring(SCOPE_PREFIX.length()));
    }
    return false;
  }

  /** Every role the caller holds, prefixed: its access, then its permissions or scopes. */
  public Set<String> roles() {
    Set<String> roles = new LinkedHashSet<>();
    roles.add(ACCESS_PREFIX + identity.access().name());
    String prefix = fromJwt() ? SCOPE_PREFIX : PERMISSION_PREFIX;
    for (String permission : identity.permissions()) {
      roles.add(prefix + permission);
    }
    return Set.copyOf(roles);
  }

  private boolean fromJwt() {
    return JWT_METHOD.equals(identity.method());
  }
}
