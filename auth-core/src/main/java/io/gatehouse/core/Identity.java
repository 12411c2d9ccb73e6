package io.gatehouse.core;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Who the caller is, as established by an authenticator or an authhook.
 *
 * @param subject the caller: a token id, a JWT {@code sub}, a user name
 * @param method how it was established: the authenticator or hook id ({@code apikey}, {@code jwt})
 * @param space the space (tenant) the request belongs to
 * @param access what the caller may do by method
 * @param permissions named operations granted (admin tokens, JWT scopes)
 * @param claims extra attributes for the app (JWT claims, token name); never secrets
 * @param credentialId the id of the credential used, safe to log; null when there is none
 * @param expiresAt when the credential stops being valid; null when it does not expire
 */
public record Identity(
    String subject,
    String method,
    String space,
    Access access,
    Set<String> permissions,
    Map<String, Object> claims,
    @Nullable String credentialId,
    @Nullable Instant expiresAt) {

  public Identity {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(access, "access");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("identity subject must not be blank");
    }
    // Sorted and immutable; a set or map this package owns (already immutable) is kept, not
    // copied again, so withAccess and a lazily read claims map cost no copy.
    permissions = SortedNames.of(permissions);
    claims = frozen(claims);
  }

  /** The classes of {@code Map.of}/{@code Map.copyOf} maps: immutable, safe to keep. */
  private static final java.util.List<Class<?>> IMMUTABLE_MAPS =
      java.util.List.of(
          Map.of().getClass(), Map.of("k", 1).getClass(), Map.of("k", 1, "l", 2).getClass());

  private static Map<String, Object> frozen(Map<String, Object> claims) {
    if (claims instanceof LazyClaims || IMMUTABLE_MAPS.contains(claims.getClass())) {
      return claims;
    }
    return LazyClaims.copyOf(claims);
  }

  /**
   * Claims read on first access from {@code source}, which is called at most once (from any thread)
   * and whose map is then copied: for an authenticator that has already checked what its policy
   * needs and leaves the rest unread until the application asks. The map is immutable and keeps the
   * source's order and values.
   */
  public static Map<String, Object> lazyClaims(Supplier<? extends Map<String, ?>> source) {
    return new LazyClaims(Objects.requireNonNull(source, "source"));
  }

  /**
   * {@code names} as an identity keeps its permissions: immutable, each once, sorted. An identity
   * built with such a set keeps it without copying or sorting it again.
   */
  public static Set<String> sortedPermissions(Collection<String> names) {
    return SortedNames.of(names);
  }

  /** A builder with the required parts; access defaults to {@link Access#READ_WRITE}. */
  public static Builder builder(String subject, String method, String space) {
    return new Builder(subject, method, space);
  }

  /** True when {@code permission} was granted. */
  public boolean hasPermission(String permission) {
    return permissions.contains(permission);
  }

  /** A copy with a different access. */
  public Identity withAccess(Access newAccess) {
    return new Identity(
        subject, method, space, newAccess, permissions, claims, credentialId, expiresAt);
  }

  /** A copy with {@code extra} claims merged over the existing ones (enrichment by a hook). */
  public Identity withClaims(Map<String, Object> extra) {
    Map<String, Object> merged = new LinkedHashMap<>(claims);
    merged.putAll(extra);
    return new Identity(
        subject, method, space, access, permissions, merged, credentialId, expiresAt);
  }

  /** Builds an {@link Identity}. */
  public static final class Builder {
    private final String subject;
    private final String method;
    private final String space;
    private Access access = Access.READ_WRITE;
    private Set<String> permissions = Set.of();
    private Map<String, Object> claims = Map.of();
    private @Nullable String credentialId;
    private @Nullable Instant expiresAt;

    private Builder(String subject, String method, String space) {
      this.subject = subject;
      this.method = method;
      this.space = space;
    }

    public Builder access(Access access) {
      this.access = access;
      return this;
    }

    public Builder permissions(Set<String> permissions) {
      this.permissions = permissions;
      return this;
    }

    public Builder claims(Map<String, Object> claims) {
      this.claims = claims;
      return this;
    }

    public Builder credentialId(@Nullable String credentialId) {
      this.credentialId = credentialId;
      return this;
    }

    public Builder expiresAt(@Nullable Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Identity build() {
      return new Identity(
          subject, method, space, access, permissions, claims, credentialId, expiresAt);
    }
  }
}
