package io.gatehouse.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The last stage: may this identity do this request? Returns null to allow, or a message saying
 * what is missing (the request is refused with {@link Reason#INSUFFICIENT_ACCESS}, 403).
 */
@FunctionalInterface
public interface AccessPolicy {

  @Nullable String check(AuthRequest request, Identity identity);

  /**
   * READ identities may use GET, HEAD and OPTIONS only; READ_WRITE and ADMIN any method. A {@link
   * MethodOverride method override} (header or {@code _method} query parameter) is judged too, and
   * the stricter method wins: a GET asking to be run as DELETE needs write access.
   */
  static AccessPolicy byMethod() {
    return (request, identity) -> {
      Access access = identity.access();
      String method = request.method();
      if (!access.permitsMethod(method)) {
        return "access " + access + " does not allow method " + Redact.safe(method);
      }
      if (access != Access.READ) {
        return null; // every method is allowed, so no override can matter
      }
      String judged = MethodOverride.strictest(request);
      return access.permitsMethod(judged)
          ? null
          : "access "
              + access
              + " does not allow method "
              + Redact.safe(judged)
              + " (asked for by a method override on "
              + Redact.safe(method)
              + ")";
    };
  }

  /**
   * Requests whose path is {@code pathPrefix} or below it need the named permission (e.g. admin
   * tokens granting {@code deploy}).
   */
  static AccessPolicy requirePermission(String pathPrefix, String permission) {
    return requireAnyPermission(pathPrefix, permission);
  }

  /**
   * Requests whose path is {@code pathPrefix} or below it need at least one of the named
   * permissions (e.g. {@code deploy} or an all-purpose {@code manage}).
   */
  static AccessPolicy requireAnyPermission(String pathPrefix, String... permissions) {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    if (permissions.length == 0) {
      throw new IllegalArgumentException("requireAnyPermission needs at least one permission");
    }
    List<String> anyOf = List.of(permissions);
    anyOf.forEach(Permissions::requireValid);
    String base = pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/";
    String missing =
        anyOf.size() == 1
            ? "permission '" + anyOf.get(0) + "' is required for " + pathPrefix
            : "one of the permissions '"
                + String.join("', '", anyOf)
                + "' is required for "
                + pathPrefix;
    return (request, identity) -> {
      String path = request.path();
      if (!path.equals(pathPrefix) && !path.startsWith(base)) {
        return null;
      }
      for (String permission : anyOf) {
        if (identity.hasPermission(permission)) {
          return null;
        }
      }
      return missing;
    };
  }

  /** Requests whose path is {@code pathPrefix} or below it need exactly this {@link Access}. */
  static AccessPolicy requireAccess(String pathPrefix, Access access) {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(access, "access");
    String base = pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/";
    return (request, identity) -> {
      String path = request.path();
      boolean covered = path.equals(pathPrefix) || path.startsWith(base);
      return !covered || identity.access() == access
          ? null
          : "access " + access + " is required for " + pathPrefix;
    };
  }

  /** Both policies must allow; the first refusal is reported. */
  default AccessPolicy and(AccessPolicy other) {
    Objects.requireNonNull(other, "other");
    return (request, identity) -> {
      String denial = check(request, identity);
      return denial != null ? denial : other.check(request, identity);
    };
  }
}
