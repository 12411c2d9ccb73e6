package io.gatehouse.servlet;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.IdentityHeaders;
import io.gatehouse.core.Redact;
import io.gatehouse.core.RequestPath;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The original request a forward-auth subrequest asks about, read from the shape the front proxy
 * sends:
 *
 * <ul>
 *   <li>nginx {@code auth_request}: {@code X-Original-Method} and {@code X-Original-URI} (set by
 *       the documented configuration);
 *   <li>Traefik {@code ForwardAuth}: {@code X-Forwarded-Method} and {@code X-Forwarded-Uri}, with
 *       {@code X-Forwarded-Host} as the original {@code Host};
 *   <li>Envoy {@code ext_authz} (HTTP service): the original method, and the original path after
 *       the endpoint's own path ({@code path_prefix} + original path).
 * </ul>
 *
 * <p>Exactly one shape must be present, each header exactly once (Traefik's {@code
 * X-Forwarded-Host} included); nginx and Traefik headers that both arrive are refused, even when
 * they agree, since one of them came from the client. The target must be origin-form ({@code /...},
 * visible ASCII, at most {@link #MAX_TARGET} characters, no fragment) and its path goes through
 * {@link RequestPath#canonical}, as on the Netty adapter, so a path rule cannot be side-stepped
 * through the original URI. Anything else is a 400 {@code malformed} refusal, never a guess.
 *
 * <p>The pipeline sees the subrequest's headers (the client's own credentials travel there) with
 * every {@code X-Gatehouse-*} header removed, and the subrequest's peer (the proxy) as the socket
 * address, so the client address comes from {@code X-Real-IP} / {@code X-Forwarded-For} through the
 * space's trusted proxies only.
 */
final class OriginalRequest implements AuthRequest {
  /** The longest original target accepted, in characters. */
  static final int MAX_TARGET = 8192;

  private static final int MAX_METHOD = 32;

  private final HttpServletRequest subrequest;
  private final String method;
  private final String path;
  private final @Nullable String rawQuery;
  private final @Nullable String host;
  private @Nullable InetSocketAddress remote;

  private OriginalRequest(
      HttpServletRequest subrequest,
      String method,
      String path,
      @Nullable String rawQuery,
      @Nullable String host) {
    this.subrequest = subrequest;
    this.method = method;
    this.path = path;
    this.rawQuery = rawQuery;
    this.host = host;
  }

  /** The original request, or the refusal that says why it cannot be read. */
  sealed interface Read permits Found, Refused {}

  record Found(OriginalRequest request) implements Read {}

  record Refused(Decision decision) implements Read {}

  static Read read(HttpServletRequest subrequest) {
    String envoyTarget = envoyTarget(subrequest);
    Header nginxMethod = Header.of(subrequest, "X-Original-Method");
    Header nginxUri = Header.of(subrequest, "X-Original-URI");
    Header traefikMethod = Header.of(subrequest, "X-Forwarded-Method");
    Header traefikUri = Header.of(subrequest, "X-Forwarded-Uri");
    boolean nginx = nginxMethod.present() || nginxUri.present();
    boolean traefik = traefikMethod.present() || traefikUri.present();
    if (envoyTarget != null && (nginx || traefik)) {
      return refused("both a path after the endpoint and X-Original-*/X-Forwarded-* headers");
    }
    if (envoyTarget != null) {
      return parse(
          subrequest, subrequest.getMethod(), envoyTarget, "the path after the endpoint", null);
    }
    if (nginx && traefik) {
      // Even when they agree: a proxy that forwards the client's copies of the other shape's
      // headers would let the client choose the X-Forwarded-Host (and so a space mapped by host).
      return refused(
          "both X-Original-Method/-URI (nginx) and X-Forwarded-Method/-Uri (Traefik) headers;"
              + " exactly one shape must be sent");
    }
    if (nginx) {
      return parse(subrequest, nginxMethod, nginxUri, null);
    }
    if (traefik) {
      // Traefik's subrequest Host is Gatehouse's own address: the original host must be named.
      return parse(
          subrequest, traefikMethod, traefikUri, Header.of(subrequest, "X-Forwarded-Host"));
    }
    return refused(
        "no original request: expected X-Original-Method and X-Original-URI (nginx),"
            + " X-Forwarded-Method and X-Forwarded-Uri (Traefik) or a path after the endpoint"
            + " (Envoy)");
  }

  /** The nginx shape ({@code host} null) or Traefik's ({@code host} X-Forwarded-Host's lines). */
  private static Read parse(
      HttpServletRequest subrequest, Header method, Header uri, @Nullable Header host) {
    if (method.lines() != 1) {
      return refused(method.problem());
    }
    if (uri.lines() != 1) {
      return refused(uri.problem());
    }
    if (host != null && host.lines() != 1) {
      return refused(host.problem());
    }
    return parse(
        subrequest, method.value(), uri.value(), uri.name(), host == null ? null : host.value());
  }

  private static Read parse(
      HttpServletRequest subrequest,
      String method,
      String target,
      String source,
      @Nullable String host) {
    if (!isToken(method)) {
      return refused("the original method is not an HTTP method token");
    }
    if (target.length() > MAX_TARGET) {
      return refused(source + " is longer than " + MAX_TARGET + " characters");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '#') {
        return refused(source + " holds a control, space, non-ASCII character or fragment");
      }
    }
    if (target.isEmpty() || target.charAt(0) != '/') {
      return refused(source + " is not an origin-form target (it must start with '/')");
    }
    int query = target.indexOf('?');
    String rawPath = query >= 0 ? target.substring(0, query) : target;
    String canonical = RequestPath.canonical(rawPath);
    if (canonical == null) {
      return refused(
          "ambiguous original path: dot segment, encoded '/' or '\\', bad escape or not UTF-8");
    }
    return new Found(
        new OriginalRequest(
            subrequest, method, canonical, query >= 0 ? target.substring(query + 1) : null, host));
  }

  /**
   * Envoy's original target: the raw request-target after this servlet's own path, or null when
   * there is none (nginx and Traefik call the endpoint itself, {@code /_authz}). Envoy sends {@code
   * path_prefix} + the original path, so {@code /_authz/} is the original {@code /}.
   */
  private static @Nullable String envoyTarget(HttpServletRequest subrequest) {
    String uri = subrequest.getRequestURI();
    String own = subrequest.getContextPath() + subrequest.getServletPath();
    if (uri == null || !uri.startsWith(own) || uri.length() == own.length()) {
      return null;
    }
    String rest = uri.substring(own.length());
    String query = subrequest.getQueryString();
    return query == null ? rest : rest + "?" + query;
  }

  private static boolean isToken(String method) {
    if (method.isEmpty() || method.length() > MAX_METHOD) {
      return false;
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      boolean tchar =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static Refused refused(String detail) {
    // 400 as the Netty adapter answers an ambiguous path: the request, not a credential, is bad.
    return new Refused(Decision.badRequest(detail));
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public @Nullable String rawQuery() {
    return rawQuery;
  }

  /**
   * The subrequest's header lines, without any {@code X-Gatehouse-*} header (a client's forgery
   * must never reach a rule or a hook), and with Traefik's original host as {@code Host}.
   */
  @Override
  public List<String> headers(String name) {
    if (IdentityHeaders.isGatehouseHeader(name)) {
      return List.of();
    }
    if (host != null && name.equalsIgnoreCase("Host")) {
      return List.of(host);
    }
    return ServletAuthRequest.headerValues(subrequest, name);
  }

  @Override
  public InetSocketAddress remoteAddress() {
    InetSocketAddress address = remote;
    if (address == null) {
      address =
          ServletAuthRequest.socketAddress(subrequest.getRemoteAddr(), subrequest.getRemotePort());
      remote = address;
    }
    return address;
  }

  @Override
  public String toString() {
    return "OriginalRequest[" + method + " " + Redact.safe(path) + "]";
  }

  /** One header's lines. */
  private record Header(String name, List<String> all) {
    static Header of(HttpServletRequest request, String name) {
      return new Header(name, ServletAuthRequest.headerValues(request, name));
    }

    boolean present() {
      return !all.isEmpty();
    }

    int lines() {
      return all.size();
    }

    String value() {
      return all.get(0);
    }

    String problem() {
      return all.isEmpty()
          ? name + " is missing"
          : name + " was sent " + all.size() + " times; it must be sent once";
    }
  }
}
