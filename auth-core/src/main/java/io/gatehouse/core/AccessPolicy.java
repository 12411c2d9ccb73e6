package io.gatehouse.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The last stage: may this identity do this request? Returns null to allow, or a message saying
 * what is missing (the request is refused with {@link Reason#INSUFFICIENT_ACCESS}, 403).
 */
@FunctionalInterface
public interface AccessPolicy {

  @Nullable String check(AuthRequest request, Identity identity);

  /** READ identities may use GET, HEAD and OPTIONS only; READ_WRITE and ADMIN any method. */
  static AccessPolicy byMethod() {
    return (request, identity) ->
        identity.access().permitsMethod(request.method())
            ? null
            : "access "
                + identity.access()
                + " does not allow method "
                + Redact.safe(request.method());
  }

  /**
   * Requests whose path is {@code pathPrefix} or below it need the named permission (e.g. admin
   * tokens granting {@code deploy}).
   */
  static AccessPolicy requirePermission(String pathPrefix, String permission) {
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Permissions.requireValid(permission);
    String base = pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/";
    return (request, identity) -> {
      String path = request.path();
      boolean covered = path.equals(pathPrefix) || path.startsWith(base);
      return !covered || identity.hasPermission(permission)
          ? null
          : "permission '" + permission + "' is required for " + pathPrefix;
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
