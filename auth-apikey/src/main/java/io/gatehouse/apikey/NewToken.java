package io.gatehouse.apikey;

import io.gatehouse.core.Access;
import io.gatehouse.core.Permissions;
import io.gatehouse.core.Redact;
import io.gatehouse.core.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What to create (or import): built with {@link #apiToken(String)} or {@link #adminToken(String)}.
 *
 * <pre>{@code
 * NewToken ci = NewToken.apiToken("default").readOnly().name("ci").expiresIn(Duration.ofDays(30)).build();
 * NewToken ops = NewToken.adminToken("default").owner("team:ops").permissions(Set.of("deploy", "backup")).build();
 * }</pre>
 *
 * @param space the space the token is valid in
 * @param kind API or admin token
 * @param access READ or READ_WRITE for API tokens, ADMIN for admin tokens
 * @param name a human label (may be empty)
 * @param owner the owning account or team (admin tokens' subject), or null
 * @param permissions admin operations granted (admin tokens only)
 * @param expiresIn lifetime from creation, or null
 * @param expiresAt fixed expiry, or null (at most one of the two is set)
 * @param origins web origins the token may be used from ({@link BrowserAccess}), normalised
 */
public record NewToken(
    String space,
    TokenKind kind,
    Access access,
    String name,
    @Nullable String owner,
    Set<String> permissions,
    @Nullable Duration expiresIn,
    @Nullable Instant expiresAt,
    List<String> origins) {

  /** Longest name or owner accepted. */
  public static final int MAX_LABEL_LENGTH = 200;

  public NewToken {
    Settings.requireValidSpace(space);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(access, "access");
    requireLabel("name", name);
    if (owner != null) {
      requireLabel("owner", owner);
      if (owner.isBlank()) {
        throw new IllegalArgumentException("owner must not be blank");
      }
    }
    if (kind == TokenKind.ADMIN && access != Access.ADMIN) {
      throw new IllegalArgumentException("an admin token has access ADMIN, not " + access);
    }
    if (kind == TokenKind.API && access == Access.ADMIN) {
      throw new IllegalArgumentException(
          "an API token has access READ or READ_WRITE; use an admin token for ADMIN");
    }
    permissions = Collections.unmodifiableSet(new TreeSet<>(permissions));
    if (kind == TokenKind.API && !permissions.isEmpty()) {
      throw new IllegalArgumentException(
          "only admin tokens carry permissions; got " + permissions + " for an API token");
    }
    permissions.forEach(Permissions::requireValid);
    if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero())) {
      throw new IllegalArgumentException("expiresIn must be positive, was " + expiresIn);
    }
    if (expiresIn != null && expiresAt != null) {
      throw new IllegalArgumentException("set expiresIn or expiresAt, not both");
    }
    origins = BrowserAccess.normaliseOrigins(origins);
  }

  /** A token that lists no origins. */
  public NewToken(
      String space,
      TokenKind kind,
      Access access,
      String name,
      @Nullable String owner,
      Set<String> permissions,
      @Nullable Duration expiresIn,
      @Nullable Instant expiresAt) {
    this(space, kind, access, name, owner, permissions, expiresIn, expiresAt, List.of());
  }

  /** An API token in {@code space}: READ_WRITE unless {@link Builder#readOnly()}. */
  public static Builder apiToken(String space) {
    return new Builder(space, TokenKind.API, Access.READ_WRITE);
  }

  /** An admin token in {@code space}: access ADMIN with the permissions given. */
  public static Builder adminToken(String space) {
    return new Builder(space, TokenKind.ADMIN, Access.ADMIN);
  }

  /** The expiry for a token created at {@code now}, or null. */
  @Nullable Instant expiryFrom(Instant now) {
    return expiresIn != null ? now.plus(expiresIn) : expiresAt;
  }

  private static void requireLabel(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.length() > MAX_LABEL_LENGTH) {
      throw new IllegalArgumentException(
          what + " is longer than " + MAX_LABEL_LENGTH + " characters: " + Redact.safe(value));
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(
            what + " contains a control character: '" + Redact.safe(value) + "'");
      }
    }
  }

  /** Builds a {@link NewToken}; {@link #build()} validates. */
  public static final class Builder {
    private final String space;
    private final TokenKind kind;
    private Access access;
    private String name = "";
    private @Nullable String owner;
    private final Set<String> permissions = new TreeSet<>();
    private @Nullable Duration expiresIn;
    private @Nullable Instant expiresAt;
    private List<String> origins = List.of();

    private Builder(String space, TokenKind kind, Access access) {
      this.space = space;
      this.kind = kind;
      this.access = access;
    }

    /** READ access: safe methods only (API tokens). */
    public Builder readOnly() {
      return access(Access.READ);
    }

    public Builder access(Access access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder owner(@Nullable String owner) {
      this.owner = owner;
      return this;
    }

    public Builder permissions(Collection<String> permissions) {
      this.permissions.addAll(permissions);
      return this;
    }

    public Builder permission(String permission) {
      this.permissions.add(Objects.requireNonNull(permission, "permission"));
      return this;
    }

    /** Expires this long after creation. */
    public Builder expiresIn(Duration lifetime) {
      this.expiresIn = Objects.requireNonNull(lifetime, "expiresIn");
      return this;
    }

    /** Expires at a fixed instant. */
    public Builder expiresAt(Instant at) {
      this.expiresAt = Objects.requireNonNull(at, "expiresAt");
      return this;
    }

    /**
     * The web origins (e.g. {@code https://app.example.com}) whose pages may use the token; by
     * default none, and a request from a web page is refused ({@link BrowserAccess}).
     */
    public Builder origins(Collection<String> allowed) {
      this.origins = BrowserAccess.normaliseOrigins(allowed);
      return this;
    }

    public NewToken build() {
      return new NewToken(
          space, kind, access, name, owner, permissions, expiresIn, expiresAt, origins);
    }
  }
}
