package io.gatehouse.proxy;

import io.netty.channel.Channel;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * One request on its way through the proxy and its response on the way back. Touched only on the
 * event loop that both the client's connection and the upstream connection serving it run on.
 */
final class Exchange {
  final Channel client;
  final FixedChannelPool pool;
  final HttpRequest upstreamHead;
  final HttpVersion clientVersion;
  final boolean clientKeepAlive;
  final boolean headRequest;
  final boolean upgrade;

  /** The Sec-WebSocket-Accept the upstream's 101 must carry; null unless {@link #upgrade}. */
  final @Nullable String expectedAccept;

  /** Request content read before the upstream connection was ready. */
  final ArrayDeque<HttpContent> pending = new ArrayDeque<>(4);

  @Nullable Channel upstream;

  /** The client's request has been read to its last part. */
  boolean requestReceived;

  /** The last part of the request has been written upstream. */
  boolean requestSent;

  /** A (final) response head has been written to the client. */
  boolean responseStarted;

  /** The exchange is over for the client: the response, or the proxy's own answer, is written. */
  boolean responseDone;

  /** The upstream connection may be reused after this response. */
  boolean upstreamReusable = true;

  /** The client's connection closes after this response (or after the proxy's own answer). */
  boolean closeClientAfter;

  /** The upstream answered with an informational (1xx, not 101) head; its last part is not ours. */
  boolean informational;

  /** The upstream answered 101: after its last part, bytes are tunneled. */
  boolean switching;

  private boolean released;

  Exchange(
      Channel client,
      FixedChannelPool pool,
      HttpRequest upstreamHead,
      HttpVersion clientVersion,
      boolean clientKeepAlive,
      boolean headRequest,
      boolean upgrade,
      @Nullable String expectedAccept) {
    this.client = client;
    this.pool = pool;
    this.upstreamHead = upstreamHead;
    this.clientVersion = clientVersion;
    this.clientKeepAlive = clientKeepAlive;
    this.headRequest = headRequest;
    this.upgrade = upgrade;
    this.expectedAccept = expectedAccept;
    this.closeClientAfter = !clientKeepAlive;
  }

  /**
   * Gives the upstream connection back to its pool once: kept open when {@code reuse}, else closed
   * first (the pool's health check then drops it).
   */
  void releaseUpstream(boolean reuse) {
    Channel channel = upstream;
    if (channel == null || released) {
      return;
    }
    released = true;
    Backend backend = channel.pipeline().get(Backend.class);
    if (backend != null) {
      backend.unbind(this);
    }
    if (!reuse) {
      var unusedClose = channel.close();
    }
    var unused = pool.release(channel);
  }

  void releasePending() {
    HttpContent content;
    while ((content = pending.poll()) != null) {
      ReferenceCountUtil.release(content);
    }
  }
}
