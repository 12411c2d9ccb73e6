package io.gatehouse.netty;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Redact;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AuthRequest} view of a Netty request head. Netty's headers are case-insensitive and
 * keep every line in order. The path is the raw request-target path (not percent-decoded).
 */
final class NettyAuthRequest implements AuthRequest {
  private static final InetSocketAddress LOCAL =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final HttpRequest head;
  private final InetSocketAddress remote;
  private final String path;
  private final @Nullable String rawQuery;

  NettyAuthRequest(HttpRequest head, @Nullable SocketAddress peer) {
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
    this.path = originFormPath(rawPath);
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
