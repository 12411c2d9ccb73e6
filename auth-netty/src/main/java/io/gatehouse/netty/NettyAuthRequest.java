package io.gatehouse.netty;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Redact;
import io.gatehouse.core.RequestPath;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AuthRequest} view of a Netty request head. Netty's headers are case-insensitive and
 * keep every line in order. The path is the request-target's path made {@linkplain
 * RequestPath#canonical canonical}; a head whose path is ambiguous gets no view at all ({@link #of}
 * returns null) and is refused.
 */
final class NettyAuthRequest implements AuthRequest {
  private static final InetSocketAddress LOCAL =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final HttpRequest head;
  private final InetSocketAddress remote;
  private final String path;
  private final @Nullable String rawQuery;

  /** The view of {@code head}, or null when its path is ambiguous (see {@link RequestPath}). */
  static @Nullable NettyAuthRequest of(HttpRequest head, @Nullable SocketAddress peer) {
    NettyAuthRequest request = new NettyAuthRequest(head, peer);
    return request.path.isEmpty() ? null : request;
  }

  private NettyAuthRequest(HttpRequest head, @Nullable SocketAddress peer) {
    this.head = head;
    // Non-IP transports (Unix domain sockets, in-VM channels) only carry local peers.
    this.remote = peer instanceof InetSocketAddress inet ? inet : LOCAL;
    String target = head.uri();
    int fragment = target.indexOf('#');
    if (fragment >= 0) {
      target = target.substring(0, fragment);
    }
    int query = target.indexOf('?');
    String rawPath = query >= 0 ? target.substring(0, query) : target;
    this.rawQuery = query >= 0 ? target.substring(query + 1) : null;
    String canonical = RequestPath.canonical(originFormPath(rawPath));
    this.path = canonical == null ? "" : canonical; // "" marks an ambiguous path: of() refuses it
  }

  /** The path of an absolute-form target ({@code http://host/p}) or the target itself. */
  static String originFormPath(String rawPath) {
    int scheme = rawPath.indexOf("://");
    if (scheme > 0 && rawPath.charAt(0) != '/') {
      int slash = rawPath.indexOf('/', scheme + 3);
      return slash >= 0 ? rawPath.substring(slash) : "/";
    }
    return rawPath.isEmpty() ? "/" : rawPath;
  }

  @Override
  public String method() {
    return head.method().name();
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public List<String> headers(String name) {
    return head.headers().getAll(name);
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public @Nullable String rawQuery() {
    return rawQuery;
  }

  @Override
  public String toString() {
    return "NettyAuthRequest[" + method() + " " + Redact.safe(path) + "]";
  }
}
