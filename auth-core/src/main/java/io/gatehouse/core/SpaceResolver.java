package io.gatehouse.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Maps a request to its space (tenant). The default puts every request in one space. */
@FunctionalInterface
public interface SpaceResolver {

  /** The name of the space that is used when nothing else is configured. */
  String DEFAULT_SPACE = "default";

  /** The request's space, or null when the request names no valid space (it is refused). */
  @Nullable String resolve(AuthRequest request);

  /** Every request in {@code space}. */
  static SpaceResolver fixed(String space) {
    Settings.requireValidSpace(space);
    return request -> space;
  }

  /**
   * The space named by header {@code headerName}, or {@code fallback} when absent. A header that is
   * not a valid space name, or is sent twice, resolves to null and the request is refused.
   */
  static SpaceResolver fromHeader(String headerName, String fallback) {
    Objects.requireNonNull(headerName, "headerName");
    Settings.requireValidSpace(fallback);
    return request -> {
      var values = request.headers(headerName);
      if (values.isEmpty()) {
        return fallback;
      }
      String value = values.get(0).trim();
      return values.size() == 1 && Settings.isValidSpace(value) ? value : null;
    };
  }
}
