package io.gatehouse.jwks;

import io.gatehouse.core.Access;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How verified claims become an {@link io.gatehouse.core.Identity}.
 *
 * @param subjectClaim the claim naming the caller; default {@code sub}
 *     <p>Scopes are read strictly: each claim in {@code permissionClaims} must be a space-separated
 *     string or an array of strings, each scope made of RFC 6749 scope-token characters ({@code
 *     %x21 / %x23-5B / %x5D-7E}: printable ASCII but space, {@code "} and {@code \}), at most
 *     {@value #MAX_SCOPE_LENGTH} characters, and at most {@value #MAX_SCOPES} distinct scopes per
 *     token; anything else refuses the token as {@code BAD_CLAIMS} with a detail naming the claim
 *     (nothing is dropped silently). The scopes become the identity's permissions, which {@code
 *     AccessPolicy} path rules check; the servlet adapter keeps them apart from access levels and
 *     admin permissions in {@code isUserInRole} ({@code scope:<name>}).
 * @param permissionClaims claims holding scopes/permissions, either a space-separated string
 *     ({@code scope}) or an array of strings ({@code scp}); default {@code scope}, {@code scp}
 * @param accessClaim a claim whose value ({@code read}, {@code read_write}, {@code admin}) sets the
 *     access; null for {@link #defaultAccess} always
 * @param defaultAccess the access when {@code accessClaim} is null or absent from the token
 */
public record ClaimMapping(
    String subjectClaim,
    List<String> permissionClaims,
    @Nullable String accessClaim,
    Access defaultAccess) {

  /** The most distinct scopes a token may hold; more refuse it. */
  public static final int MAX_SCOPES = 64;

  /** The longest scope a token may hold, in characters; longer refuses it. */
  public static final int MAX_SCOPE_LENGTH = 128;

  /** {@code sub}, {@code scope}/{@code scp}, no access claim, {@link Access#READ_WRITE}. */
  public static final ClaimMapping DEFAULT =
      new ClaimMapping("sub", List.of("scope", "scp"), null, Access.READ_WRITE);

  private static final Map<String, Access> ACCESS_VALUES =
      Map.of(
          "read", Access.READ,
          "read_write", Access.READ_WRITE,
          "write", Access.READ_WRITE,
          "admin", Access.ADMIN);

  public ClaimMapping {
    requireClaimName(subjectClaim, "subjectClaim");
    permissionClaims = List.copyOf(permissionClaims);
    permissionClaims.forEach(name -> requireClaimName(name, "permissionClaims"));
    if (accessClaim != null) {
      requireClaimName(accessClaim, "accessClaim");
    }
    Objects.requireNonNull(defaultAccess, "defaultAccess");
  }

  /** This mapping with another access claim and default. */
  public ClaimMapping withAccess(@Nullable String claim, Access fallback) {
    return new ClaimMapping(subjectClaim, permissionClaims, claim, fallback);
  }

  /** The access a claim value names, or null when it names none. */
  static @Nullable Access accessFor(String value) {
    return ACCESS_VALUES.get(value.toLowerCase(Locale.ROOT));
  }

  private static void requireClaimName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank() || name.length() > 128) {
      throw new IllegalArgumentException(what + ": invalid claim name '" + name + "'");
    }
  }
}
