package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.Access;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Permissions;
import io.gatehouse.servlet.IdentityPrincipal;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The Spring Security authorities of a Gatehouse {@link Identity}, in three namespaces that can
 * never pass for one another:
 *
 * <ul>
 *   <li>its access level, exactly one of {@value #READ}, {@value #READ_WRITE} and {@value #ADMIN}
 *       ({@code ADMIN} does not imply {@code READ_WRITE}: check what you mean);
 *   <li>each named permission of an admin token (or of an identity an authhook made), as its bare
 *       name: {@code deploy}, so that {@code hasAuthority('deploy')} reads as the permission;
 *   <li>each scope of a JWT, prefixed {@value #SCOPE_PREFIX} as Spring's resource server does:
 *       {@code SCOPE_read:items}. A JWT's scope is never a bare permission, so a token whose {@code
 *       scope} says {@code deploy} does not pass {@code hasAuthority('deploy')}.
 * </ul>
 *
 * A permission that is not a valid Gatehouse permission name ({@link Permissions#isValid}: lower
 * case, starting with a letter) is left out, so no upper-case name Spring gives a meaning to
 * ({@code GATEHOUSE_...}, {@code SCOPE_...}, {@code ROLE_...}, Spring Security 7's {@code
 * FACTOR_...}) can pose as an access level, a scope, a role or an authentication factor.
 */
public final class GatehouseAuthorities {
  /** The authority of {@link Access#READ}: safe methods only. */
  public static final String READ = "GATEHOUSE_READ";

  /** The authority of {@link Access#READ_WRITE}. */
  public static final String READ_WRITE = "GATEHOUSE_READ_WRITE";

  /** The authority of {@link Access#ADMIN} (an admin token). */
  public static final String ADMIN = "GATEHOUSE_ADMIN";

  /** Prefix of the access authorities. */
  public static final String ACCESS_PREFIX = "GATEHOUSE_";

  /** Prefix of a JWT scope's authority, as Spring Security's resource server. */
  public static final String SCOPE_PREFIX = "SCOPE_";

  private GatehouseAuthorities() {}

  /** The authority naming {@code access}. */
  public static String access(Access access) {
    return ACCESS_PREFIX + access.name();
  }

  /** Every authority of {@code identity}: its access, then its permissions or its scopes. */
  public static List<GrantedAuthority> of(Identity identity) {
    List<GrantedAuthority> authorities = new ArrayList<>();
    authorities.add(new SimpleGrantedAuthority(access(identity.access())));
    boolean jwt = IdentityPrincipal.JWT_METHOD.equals(identity.method());
    for (String name : identity.permissions()) {
      if (jwt) {
        authorities.add(new SimpleGrantedAuthority(SCOPE_PREFIX + name));
      } else if (Permissions.isValid(name)) {
        authorities.add(new SimpleGrantedAuthority(name));
      }
    }
    return List.copyOf(authorities);
  }
}
