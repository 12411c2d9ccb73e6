package io.gatehouse.proxy;

import io.gatehouse.core.Identity;
import io.gatehouse.core.IdentityHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The header rewriting on the way to the upstream and back. */
final class ForwardHeaders {
  /** RFC 9110 section 7.6.1 hop-by-hop fields, plus the common non-standard ones. */
  private static final List<String> HOP_BY_HOP =
      List.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  /**
   * Fields a {@code Connection} header may never remove: the message's framing and target. Letting
   * a client name them there would let it strip its own Content-Length (the body then reads as a
   * second request upstream) or its Host.
   */
  private static final List<String> NEVER_HOP_BY_HOP =
      List.of("content-length", "transfer-encoding", "host");

  /**
   * Fields a request trailer may not carry (RFC 9110 section 6.5.1: framing, routing, request
   * modifiers, authentication, content metadata) beyond the hop-by-hop and identity ones; a
   * recipient that merged trailers into the head would otherwise take them as the client's.
   */
  private static final List<String> NOT_IN_TRAILERS =
      List.of(
          "content-length",
          "transfer-encoding",
          "host",
          "authorization",
          "cookie",
          "content-encoding",
          "content-type",
          "content-range",
          "expect",
          "max-forwards",
          "cache-control",
          "x-forwarded-for",
          "x-forwarded-proto",
          "x-forwarded-host");

  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  static final String X_FORWARDED_FOR = "X-Forwarded-For";
  static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
  static final String X_FORWARDED_HOST = "X-Forwarded-Host";

  private ForwardHeaders() {}

  /**
   * The head the upstream gets: origin-form target, HTTP/1.1, no hop-by-hop or client-sent {@code
   * X-Gatehouse-*} headers, the identity headers, the forwarding headers, and the original body
   * framing; an allowed upgrade keeps its {@code Upgrade} and {@code Connection: upgrade}.
   */
  static HttpRequest upstreamRequest(
      HttpRequest client,
      @Nullable Identity identity,
      @Nullable SocketAddress peer,
      boolean upgrade,
      String upstreamAuthority) {
    HttpHeaders in = client.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(client);
    String upgradeTo = in.get(HttpHeaderNames.UPGRADE);
    HttpRequest out =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), originForm(client.uri()));
    HttpHeaders headers = out.headers();
    headers.set(in);
    removeHopByHop(headers);
    for (String name : new ArrayList<>(headers.names())) {
      if (IdentityHeaders.isGatehouseHeader(name)) {
        headers.remove(name);
      }
    }
    if (identity != null) {
      for (Map.Entry<String, String> entry : IdentityHeaders.of(identity).entrySet()) {
        headers.set(entry.getKey(), entry.getValue());
      }
    }
    String host = in.get(HttpHeaderNames.HOST);
    if (host == null || host.isEmpty()) {
      headers.set(HttpHeaderNames.HOST, upstreamAuthority);
    } else {
      headers.set(X_FORWARDED_HOST, host);
    }
    String peerAddress = address(peer);
    if (peerAddress != null) {
      List<String> previous = headers.getAll(X_FORWARDED_FOR);
      headers.remove(X_FORWARDED_FOR);
      List<String> chain = new ArrayList<>(previous);
      chain.add(peerAddress);
      headers.set(X_FORWARDED_FOR, String.join(", ", chain));
    }
    headers.set(X_FORWARDED_PROTO, "http");
    setFraming(in, headers, chunked);
    if (upgrade && upgradeTo != null) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgradeTo);
    }
    return out;
  }

  /**
   * Cleans a chunked request's trailers by the head's rules: no hop-by-hop field, nothing a
   * Connection field names, no client-sent {@code X-Gatehouse-*}, and none of the fields a trailer
   * may not carry (framing, Host, credentials, forwarding headers).
   */
  static void cleanTrailers(HttpHeaders trailers) {
    if (trailers.isEmpty()) {
      return;
    }
    removeHopByHop(trailers);
    for (String name : new ArrayList<>(trailers.names())) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (IdentityHeaders.isGatehouseHeader(name) || NOT_IN_TRAILERS.contains(lower)) {
        trailers.remove(name);
      }
    }
  }

  /** The body framing exactly as the proxy decoded it from the client's request. */
  private static void setFraming(HttpHeaders in, HttpHeaders out, boolean chunked) {
    out.remove(HttpHeaderNames.CONTENT_LENGTH);
    out.remove(HttpHeaderNames.TRANSFER_ENCODING);
    if (chunked) {
      out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      return;
    }
    String length = in.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null) {
      out.set(HttpHeaderNames.CONTENT_LENGTH, length);
    }
  }

  /**
   * True when the client asks for a WebSocket ({@code Connection: upgrade}, {@code Upgrade:
   * websocket} and a well-formed {@code Sec-WebSocket-Key}): the only upgrade passed on. Any other
   * {@code Upgrade} (h2c, ...) is removed and the request goes on as a plain one.
   */
  static boolean isUpgrade(HttpRequest request) {
    HttpHeaders headers = request.headers();
    String upgrade = headers.get(HttpHeaderNames.UPGRADE);
    return upgrade != null
        && upgrade.strip().equalsIgnoreCase("websocket")
        && headers.getAll(HttpHeaderNames.UPGRADE).size() == 1
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && webSocketAccept(request) != null;
  }

  /**
   * The {@code Sec-WebSocket-Accept} a genuine 101 must carry for this request's key (RFC 6455
   * section 4.2.2), or null when the request has no single key of 16 base64 bytes.
   */
  static @Nullable String webSocketAccept(HttpRequest request) {
    List<String> keys = request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
    if (keys.size() != 1) {
      return null;
    }
    String key = keys.get(0).strip();
    try {
      if (Base64.getDecoder().decode(key).length != 16) {
        return null;
      }
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
      return null;
    }
  }

  /**
   * True when a 101 switches to what was asked: {@code Upgrade: websocket} and the accept value the
   * request's key calls for, compared in constant time.
   */
  static boolean isWebSocketSwitch(HttpResponse response, @Nullable String expectedAccept) {
    HttpHeaders headers = response.headers();
    String upgrade = headers.get(HttpHeaderNames.UPGRADE);
    String accept = headers.get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
    return expectedAccept != null
        && upgrade != null
        && upgrade.strip().equalsIgnoreCase("websocket")
        && accept != null
        && MessageDigest.isEqual(
            accept.strip().getBytes(StandardCharsets.US_ASCII),
            expectedAccept.getBytes(StandardCharsets.US_ASCII));
  }

  /** Removes the hop-by-hop fields of a response; a 101 keeps Upgrade and Connection. */
  static void cleanResponse(HttpResponse response) {
    HttpHeaders headers = response.headers();
    String upgrade = headers.get(HttpHeaderNames.UPGRADE);
    removeHopByHop(headers);
    if (response.status().code() == 101 && upgrade != null) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, upgrade);
    }
  }

  /**
   * Removes the fixed hop-by-hop fields and every field the Connection header names, except the
   * framing and target fields, which no Connection token may remove.
   */
  static void removeHopByHop(HttpHeaders headers) {
    for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : connection.split(",", -1)) {
        String name = token.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !NEVER_HOP_BY_HOP.contains(name)) {
          headers.remove(name);
        }
      }
    }
    for (String name : HOP_BY_HOP) {
      headers.remove(name);
    }
  }

  /** The path and query of an absolute-form target; other targets unchanged. */
  static String originForm(String uri) {
    String lower = uri.length() >= 8 ? uri.substring(0, 8).toLowerCase(Locale.ROOT) : "";
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return uri;
    }
    int authority = uri.indexOf("//") + 2;
    int path = uri.indexOf('/', authority);
    int query = uri.indexOf('?', authority);
    if (path < 0 || (query >= 0 && query < path)) {
      return query < 0 ? "/" : "/" + uri.substring(query);
    }
    return uri.substring(path);
  }

  private static @Nullable String address(@Nullable SocketAddress peer) {
    if (peer instanceof InetSocketAddress socket) {
      InetAddress address = socket.getAddress();
      if (address != null) {
        return address.getHostAddress();
      }
    }
    return null;
  }
}
