package io.gatehouse.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an HTTP request a decision may look at. Adapters (servlet, Netty) implement it over
 * their native request; {@link #builder()} makes one for tests, dry runs and custom transports.
 */
public interface AuthRequest {

  /** The HTTP method, upper case as sent (e.g. {@code GET}). */
  String method();

  /** The request path without the query string (e.g. {@code /api/items}). */
  String path();

  /**
   * Every value of the header {@code name} (case-insensitive), one element per header line, in the
   * order received; empty when absent. Values are not split on commas.
   */
  List<String> headers(String name);

  /** The address of the socket peer (the proxy, when there is one). */
  InetSocketAddress remoteAddress();

  /** The raw query string without {@code ?}, or null when the request has none. */
  default @Nullable String rawQuery() {
    return null;
  }

  /** The first value of header {@code name}, or null when absent. */
  default @Nullable String header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? null : values.get(0);
  }

  /** A builder of a plain in-memory request. */
  static Builder builder() {
    return new Builder();
  }

  /** Builds an immutable {@link AuthRequest}; header names are matched case-insensitively. */
  final class Builder {
    private String method = "GET";
    private String path = "/";
    private @Nullable String rawQuery;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private InetSocketAddress remoteAddress =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private Builder() {}

    public Builder method(String method) {
      this.method = Objects.requireNonNull(method, "method");
      return this;
    }

    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    public Builder rawQuery(@Nullable String rawQuery) {
      this.rawQuery = rawQuery;
      return this;
    }

    /** Adds one header line; calling it twice with one name sends the header twice. */
    public Builder header(String name, String value) {
      headers
          .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder remoteAddress(InetSocketAddress remoteAddress) {
      this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
      return this;
    }

    public Builder remoteAddress(InetAddress address) {
      return remoteAddress(new InetSocketAddress(address, 0));
    }

    public AuthRequest build() {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return new SimpleRequest(method, path, rawQuery, Map.copyOf(copy), remoteAddress);
    }
  }
}
