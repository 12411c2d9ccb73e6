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

  /**
   * The space named by header {@code headerName}; a request without it, with it twice, or naming an
   * invalid space resolves to null and is refused (no fallback).
   */
  static SpaceResolver fromHeader(String headerName) {
    Objects.requireNonNull(headerName, "headerName");
    return request -> {
      var values = request.headers(headerName);
      if (values.size() != 1) {
        return null;
      }
      String value = values.get(0).trim();
      return Settings.isValidSpace(value) ? value : null;
    };
  }

  /**
   * The space named by the first DNS label of the {@code Host} header, lower-cased: {@code
   * dev.example.com:8080} is in space {@code dev}. Nothing is ever looked up. A missing or repeated
   * {@code Host}, an IP literal ({@code 192.0.2.7}, {@code [::1]}) or a label that is not a valid
   * space name resolves to null, and the request is refused.
   */
  static SpaceResolver fromHost() {
    return request -> {
      var values = request.headers("Host");
      return values.size() == 1 ? spaceOfHost(values.get(0)) : null;
    };
  }

  /**
   * The space named by the first segment of the path: {@code /dev/items} is in space {@code dev}.
   * The path is left as it is: the app still sees {@code /dev/items}, and routes on it as it likes.
   * A path with no first segment ({@code /}, {@code //x}) or whose first segment is not a valid
   * space name resolves to null, and the request is refused.
   */
  static SpaceResolver fromPath() {
    return request -> {
      String path = request.path();
      if (!path.startsWith("/")) {
        return null;
      }
      int end = path.indexOf('/', 1);
      String segment = end < 0 ? path.substring(1) : path.substring(1, end);
      return Settings.isValidSpace(segment) ? segment : null;
    };
  }

  /** The first DNS label of a {@code Host} value, or null (IP literal, empty, invalid name). */
  private static @Nullable String spaceOfHost(String host) {
    String value = host.strip();
    if (value.isEmpty() || value.startsWith("[")) {
      return null; // empty, or an IPv6 literal
    }
    int colon = value.indexOf(':');
    String name = colon < 0 ? value : value.substring(0, colon);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1); // the root label of a fully qualified name
    }
    if (name.isEmpty() || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return null; // an IPv4 literal (or digits only): names no space
    }
    int dot = name.indexOf('.');
    String label = (dot < 0 ? name : name.substring(0, dot)).toLowerCase(java.util.Locale.ROOT);
    return Settings.isValidSpace(label) ? label : null;
  }
}
