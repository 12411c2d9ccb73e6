package io.gatehouse.console;

import io.gatehouse.core.AuthRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The sign-in request as the sign-in pipeline sees it: the real request (address, forwarding
 * headers, path), with the admin token from the body as {@code Authorization: Bearer} and without
 * cookies, so the pipeline checks the token exactly as it would on the admin API.
 */
final class SignInRequest implements AuthRequest {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final InetSocketAddress UNRESOLVED = InetSocketAddress.createUnresolved("", 0);

  private final HttpServletRequest request;
  private final String authorization;

  SignInRequest(HttpServletRequest request, String adminToken) {
    this.request = request;
    this.authorization = "Bearer " + adminToken;
  }

  @Override
  public String method() {
    return request.getMethod();
  }

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
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("authorization")) {
      return List.of(authorization);
    }
    if (lower.equals("cookie") || lower.equals("x-apikey")) {
      return List.of(); // only the token typed into the sign-in form counts
    }
    Enumeration<String> values = request.getHeaders(name);
    return values == null || !values.hasMoreElements()
        ? List.of()
        : Collections.unmodifiableList(Collections.list(values));
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return socketAddress(request.getRemoteAddr(), request.getRemotePort());
  }

  @Override
  public @Nullable String rawQuery() {
    return null;
  }

  /** The peer's address from the container's IP literal, without any DNS lookup. */
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
        address = InetAddress.getByName("[" + host + "]"); // brackets: IPv6 literal only, no DNS
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
    return "SignInRequest[" + io.gatehouse.core.Redact.safe(path()) + "]"; // never the token
  }
}
