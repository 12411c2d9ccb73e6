package io.gatehouse.proxy;

import io.gatehouse.core.Identity;
import io.gatehouse.netty.GatehouseHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the proxy, after {@link GatehouseHandler}: every request it sees was allowed.
 * It opens (or reuses) an upstream connection, passes the rewritten head and then the body on in
 * pieces, pausing reads from the client while the upstream cannot take more.
 */
final class Frontend extends ChannelInboundHandlerAdapter {
  static final String IDLE = "idle";
  static final String DECODER = "http-decoder";
  static final String ENCODER = "http-encoder";
  static final String AUTH = "gatehouse";
  static final String PROXY = "proxy";

  private final UpstreamPools pools;
  private @Nullable Exchange exchange;
  private @Nullable Channel tunnel;
  private boolean paused;

  Frontend(UpstreamPools pools) {
    this.pools = pools;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel peer = tunnel;
    if (peer != null) {
      TunnelRelay.relay(ctx, peer, msg);
      return;
    }
    if (msg instanceof HttpRequest head && !begin(ctx, head)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content) {
      body(content);
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
    updateReading(ctx.channel());
  }

  /** Starts the exchange of an allowed request; false when the connection closes instead. */
  private boolean begin(ChannelHandlerContext ctx, HttpRequest head) {
    Exchange previous = exchange;
    if (previous != null) {
      // GatehouseHandler passes one request at a time: a second head while one is open was never
      // decided on its own, so it is never forwarded. Fail closed.
      exchange = null;
      previous.responseDone = true;
      previous.releaseUpstream(false);
      previous.releasePending();
      var unusedClose = ctx.close();
      return false;
    }
    Channel client = ctx.channel();
    Identity identity = client.attr(GatehouseHandler.IDENTITY).get();
    boolean upgrade = ForwardHeaders.isUpgrade(head);
    FixedChannelPool pool = pools.pool(client.eventLoop());
    Exchange started =
        new Exchange(
            client,
            pool,
            ForwardHeaders.upstreamRequest(
                head, identity, client.remoteAddress(), upgrade, pools.authority()),
            head.protocolVersion(),
            HttpUtil.isKeepAlive(head) && !upgrade,
            HttpMethod.HEAD.equals(head.method()),
            upgrade,
            upgrade ? ForwardHeaders.webSocketAccept(head) : null);
    exchange = started;
    if (pools.closed()) {
      fail(started, GatewayProblem.BAD_GATEWAY);
      return true;
    }
    pool.acquire().addListener((Future<Channel> acquired) -> connected(started, acquired));
    return true;
  }

  private void body(HttpContent content) {
    Exchange current = exchange;
    if (current == null) {
      content.release(); // the rest of a request the proxy already answered
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (last) {
      ForwardHeaders.cleanTrailers(((LastHttpContent) content).trailingHeaders());
      current.requestReceived = true;
    }
    if (current.responseDone) {
      content.release();
      if (last) {
        exchange = null;
      }
      return;
    }
    Channel upstream = current.upstream;
    if (upstream == null) {
      current.pending.add(content);
      return;
    }
    var unused = upstream.write(content);
    touch(upstream);
    if (last) {
      current.requestSent = true;
    }
  }

  /** The pool answered: pass on what was read so far, or answer 502, 503 or 504. */
  private void connected(Exchange started, Future<Channel> acquired) {
    if (!acquired.isSuccess()) {
      Throwable cause = acquired.cause();
      fail(
          started,
          cause instanceof ConnectTimeoutException
              ? GatewayProblem.GATEWAY_TIMEOUT
              : cause instanceof TimeoutException
                  ? GatewayProblem.BUSY
                  : GatewayProblem.BAD_GATEWAY);
      return;
    }
    Channel upstream = acquired.getNow();
    started.upstream = upstream;
    if (exchange != started || !started.client.isActive()) {
      started.releaseUpstream(false);
      started.releasePending();
      return;
    }
    Backend backend = upstream.pipeline().get(Backend.class);
    backend.bind(started, this);
    var unused = upstream.write(started.upstreamHead);
    HttpContent content;
    while ((content = started.pending.poll()) != null) {
      if (content instanceof LastHttpContent) {
        started.requestSent = true;
      }
      var unusedWrite = upstream.write(content);
    }
    upstream.flush();
    updateReading(started.client);
  }

  /** Answers with the proxy's own problem when no response head went out yet, else closes. */
  void fail(Exchange failed, GatewayProblem problem) {
    if (failed.responseDone) {
      return;
    }
    failed.responseDone = true;
    failed.releaseUpstream(false);
    failed.releasePending();
    if (failed.responseStarted) {
      var unusedClose = failed.client.close();
      return;
    }
    boolean keepAlive =
        failed.clientKeepAlive && failed.requestReceived && !failed.closeClientAfter;
    var written = failed.client.writeAndFlush(problem.response(failed.clientVersion, keepAlive));
    if (!keepAlive) {
      var unusedClose = written.addListener(ChannelFutureListener.CLOSE);
    }
    if (failed.requestReceived && exchange == failed) {
      exchange = null;
    }
    updateReading(failed.client);
  }

  /** The response's last part was written to the client. */
  void finished(Exchange done) {
    done.responseDone = true;
    done.releaseUpstream(done.upstreamReusable && done.requestSent);
    if (exchange == done && done.requestReceived) {
      exchange = null; // else the rest of the request body is still read and released
    }
    updateReading(done.client);
  }

  /** After the upstream's 101: both connections carry raw bytes from now on. */
  void startTunnel(Exchange upgraded, Channel upstream) {
    Channel client = upgraded.client;
    tunnel = upstream;
    exchange = null;
    ChannelPipeline pipeline = client.pipeline();
    // Removed in this order so that bytes the decoder still holds reach this handler directly.
    pipeline.remove(AUTH);
    pipeline.remove(ENCODER);
    pipeline.remove(DECODER);
    client.config().setAutoRead(true);
    paused = false;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Channel peer = tunnel;
    if (peer == null) {
      Exchange current = exchange;
      peer = current == null ? null : current.upstream;
    }
    if (peer != null) {
      peer.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /**
   * Reading from the client pauses while the upstream connection is not there yet or cannot take
   * more, and resumes once it can. Re-asserted on every read, since GatehouseHandler also turns
   * reading on and off for its own reasons (it holds while deciding and queues what still comes).
   */
  void updateReading(Channel client) {
    Exchange current = exchange;
    Channel peer = tunnel;
    boolean hold;
    if (peer != null) {
      hold = !peer.isWritable();
    } else if (current == null || current.responseDone || current.requestReceived) {
      hold = false;
    } else {
      Channel upstream = current.upstream;
      hold = upstream == null || !upstream.isWritable();
    }
    if (hold) {
      paused = true;
      client.config().setAutoRead(false);
    } else if (paused) {
      paused = false;
      client.config().setAutoRead(true);
      // GatehouseHandler swallows read() while it holds, and only reads again when its own hold
      // ends: if that hold ended first, nothing would ever read. Asking from its context on
      // starts the read past it.
      ChannelHandlerContext auth = client.pipeline().context(AUTH);
      if (auth != null) {
        var unused = auth.read();
      } else {
        var unused = client.read();
      }
    }
  }

  /** The client can take more again: let the upstream side read on. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel peer = tunnel;
    if (peer == null) {
      Exchange current = exchange;
      peer = current == null ? null : current.upstream;
    }
    if (peer != null && ctx.channel().isWritable()) {
      touch(peer); // the silence timer counts from the resume, not from the pause
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      Exchange current = exchange;
      if (current == null || current.responseDone) {
        var unusedClose =
            ctx.close(); // an exchange in flight has the upstream's response timeout instead
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Exchange current = exchange;
    exchange = null;
    if (current != null) {
      current.releasePending();
      if (!current.responseDone) {
        current.responseDone = true;
        current.releaseUpstream(false);
      }
    }
    Channel peer = tunnel;
    if (peer != null) {
      var unusedClose = peer.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    var unusedClose =
        ctx.close(); // a reset connection or a handler bug: the connection is not worth keeping
  }

  private static void touch(Channel upstream) {
    Backend backend = upstream.pipeline().get(Backend.class);
    if (backend != null) {
      backend.touch();
    }
  }
}
