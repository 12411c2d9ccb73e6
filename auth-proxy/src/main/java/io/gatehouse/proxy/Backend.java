package io.gatehouse.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The upstream side of one pooled connection: relays the response of the exchange it is bound to
 * back to the client, pausing reads from the upstream while the client cannot take more, and
 * watches for an upstream that falls silent.
 */
final class Backend extends ChannelInboundHandlerAdapter {
  private final long timeoutNanos;
  private @Nullable Exchange exchange;
  private @Nullable Frontend frontend;
  private @Nullable Channel tunnelPeer;
  private @Nullable Exchange tunneled;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable ChannelHandlerContext context;
  private long lastActivity;

  Backend(ProxyConfig config) {
    this.timeoutNanos = config.responseTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  /** Serves {@code started} until its response is complete. */
  void bind(Exchange started, Frontend owner) {
    exchange = started;
    frontend = owner;
    touch();
    ChannelHandlerContext ctx = context;
    if (ctx != null) {
      ctx.channel().config().setAutoRead(true);
      schedule(ctx, timeoutNanos);
    }
  }

  void unbind(Exchange done) {
    if (exchange == done) {
      exchange = null;
      frontend = null;
      cancelTimer();
    }
  }

  /** Traffic with the upstream for the bound exchange: the silence timer starts again. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel peer = tunnelPeer;
    if (peer != null) {
      TunnelRelay.relay(ctx, peer, msg);
      return;
    }
    Exchange current = exchange;
    Frontend owner = frontend;
    if (current == null || owner == null || current.responseDone) {
      ReferenceCountUtil.release(msg); // nothing asked for it: this connection is not reusable
      var unusedClose = ctx.close();
      return;
    }
    touch();
    if (msg instanceof HttpResponse head && !onHead(current, head)) {
      ReferenceCountUtil.release(msg);
      // A 101 that is not the WebSocket the client asked for: never a tunnel. The client's
      // connection closes, so nothing it sent after the request goes on undecided.
      current.closeClientAfter = true;
      owner.fail(current, GatewayProblem.BAD_GATEWAY);
      return;
    }
    if (msg instanceof HttpContent content) {
      onContent(ctx, current, owner, content);
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Relays a response head; false for a 101 that may not start a tunnel. */
  private static boolean onHead(Exchange current, HttpResponse head) {
    int status = head.status().code();
    boolean upstreamKeepAlive = HttpUtil.isKeepAlive(head);
    current.switching = status == 101;
    if (current.switching
        && !(current.upgrade && ForwardHeaders.isWebSocketSwitch(head, current.expectedAccept))) {
      return false;
    }
    current.informational =
        head.status().codeClass() == HttpStatusClass.INFORMATIONAL && !current.switching;
    ForwardHeaders.cleanResponse(head);
    head.setProtocolVersion(HttpVersion.HTTP_1_1);
    if (current.switching) {
      current.responseStarted = true;
      var unused = current.client.write(head);
      return true;
    }
    if (current.informational) {
      var unused = current.client.write(head);
      return true;
    }
    current.upstreamReusable = upstreamKeepAlive;
    boolean hasBody = !current.headRequest && status != 204 && status != 304;
    if (hasBody && !head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (current.clientVersion.isKeepAliveDefault()) {
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        current.closeClientAfter = true; // an HTTP/1.0 client reads to the end of the connection
      }
    }
    if (current.closeClientAfter) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!current.clientVersion.isKeepAliveDefault()) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    current.responseStarted = true;
    var unused = current.client.write(head);
    return true;
  }

  private void onContent(
      ChannelHandlerContext ctx, Exchange current, Frontend owner, HttpContent content) {
    Channel client = current.client;
    boolean last = content instanceof LastHttpContent;
    if (last && current.informational) {
      current.informational = false;
      var unused = client.writeAndFlush(content);
      return;
    }
    if (last && current.switching) {
      var unused = client.writeAndFlush(content);
      startTunnel(ctx, current, owner); // onHead let only a matching WebSocket 101 through
      return;
    }
    var written = client.write(content);
    if (!client.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
    if (last) {
      client.flush();
      if (current.closeClientAfter) {
        var unusedClose = written.addListener(ChannelFutureListener.CLOSE);
      }
      owner.finished(current);
    }
  }

  private void startTunnel(ChannelHandlerContext ctx, Exchange upgraded, Frontend owner) {
    cancelTimer();
    upgraded.responseDone = true;
    tunnelPeer = upgraded.client;
    tunneled = upgraded;
    exchange = null;
    frontend = null;
    owner.startTunnel(upgraded, ctx.channel());
    // Bytes the decoder read after the 101 head come out of it as it is removed.
    ctx.pipeline().remove(UpstreamPools.CODEC);
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Channel peer = tunnelPeer;
    Exchange current = exchange;
    if (peer != null) {
      peer.flush();
    } else if (current != null) {
      current.client.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Frontend owner = frontend;
    Exchange current = exchange;
    if (owner != null && current != null) {
      owner.updateReading(current.client);
    }
    Channel peer = tunnelPeer;
    if (peer != null && ctx.channel().isWritable()) {
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    Channel peer = tunnelPeer;
    if (peer != null) {
      var unusedClose =
          peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
              .addListener(ChannelFutureListener.CLOSE);
    }
    Exchange upgraded = tunneled;
    if (upgraded != null) {
      // The tunnel is over, from either side (the client's end closes this connection too): its
      // pool slot is free again. The pool only counts a slot free on release, never on close.
      tunneled = null;
      upgraded.releaseUpstream(false);
    }
    Exchange current = exchange;
    Frontend owner = frontend;
    if (current != null && owner != null && !current.responseDone) {
      owner.fail(current, GatewayProblem.BAD_GATEWAY); // closed before the response was complete
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    var unusedClose =
        ctx.close(); // a reset or an unreadable response: channelInactive answers the client
  }

  private void schedule(ChannelHandlerContext ctx, long delayNanos) {
    cancelTimer();
    timer = ctx.executor().schedule(() -> checkSilence(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkSilence(ChannelHandlerContext ctx) {
    timer = null;
    Exchange current = exchange;
    Frontend owner = frontend;
    if (current == null || owner == null || current.responseDone) {
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      // The proxy itself stopped reading (the client cannot take more): not upstream silence.
      touch();
    }
    long silent = System.nanoTime() - lastActivity;
    if (silent < timeoutNanos) {
      schedule(ctx, timeoutNanos - silent);
      return;
    }
    owner.fail(current, GatewayProblem.GATEWAY_TIMEOUT);
  }

  private void cancelTimer() {
    ScheduledFuture<?> pending = timer;
    if (pending != null) {
      pending.cancel(false);
      timer = null;
    }
  }
}
