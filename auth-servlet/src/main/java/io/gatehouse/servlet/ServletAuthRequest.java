package io.gatehouse.servlet;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Redact;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AuthRequest} view of a servlet request. Header lookup is the container's
 * (case-insensitive, one value per header line, in order).
 */
final class ServletAuthRequest implements AuthRequest {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final InetSocketAddress UNRESOLVED = InetSocketAddress.createUnresolved("", 0);

  private final HttpServletRequest request;
  private @Nullable InetSocketAddress remote;

  ServletAuthRequest(HttpServletRequest request) {
    this.request = request;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  /**
   * The decoded, normalised path the container routes on (context path, servlet path and path
   * info), so that path rules see what the application sees.
   */
  @Override
  public String path() {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path =
        request.getContextPath()
            + (servletPath == null ? "" : servletPath)
            + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  @Override
  public List<String> headers(String name) {
    return headerValues(request, name);
  }

  /** Every value of header {@code name} of {@code request}, in order; empty when it has none. */
  static List<String> headerValues(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null || !values.hasMoreElements()
        ? List.of()
        : Collections.unmodifiableList(Collections.list(values));
  }

  @Override
  public InetSocketAddress remoteAddress() {
    InetSocketAddress address = remote;
    if (address == null) {
      address = socketAddress(request.getRemoteAddr(), request.getRemotePort());
      remote = address;
    }
    return address;
  }

  @Override
  public @Nullable String rawQuery() {
    return request.getQueryString();
  }

  /**
   * The peer's address from the container's IP literal, parsed without any DNS lookup. Anything
   * that is not an IP literal gives an unresolved address, which the pipeline refuses (fail
   * closed).
   */
  static InetSocketAddress socketAddress(@Nullable String literal, int port) {
    if (literal == null || literal.isEmpty()) {
      return UNRESOLVED;
    }
    String host = literal;
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      InetAddress address;
      if (host.indexOf(':') >= 0) {
        // Brackets make InetAddress accept only an IPv6 literal: it never falls back to DNS.
        address = InetAddress.getByName("[" + host + "]");
      } else if (IPV4.matcher(host).matches()) {
        address = InetAddress.getByName(host); // a dotted quad is parsed, never looked up
      } else {
        return UNRESOLVED;
      }
      return new InetSocketAddress(address, Math.max(0, Math.min(port, 65535)));
    } catch (UnknownHostException | IllegalArgumentException e) {
      return UNRESOLVED;
    }
  }

  @Override
  public String toString() {
    return "ServletAuthRequest[" + method() + " " + Redact.safe(path()) + "]";
  }
}
