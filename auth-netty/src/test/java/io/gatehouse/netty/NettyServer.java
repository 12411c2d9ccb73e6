package io.gatehouse.netty;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Identity;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real Netty HTTP server on a loopback port: codec, a body-byte counter, the Gatehouse handler,
 * the aggregator and an application that answers with what it sees of the caller.
 */
final class NettyServer implements AutoCloseable {
  final AtomicInteger appCalls = new AtomicInteger();
  final AtomicLong bodyBytesRead = new AtomicLong();
  final AtomicInteger connections = new AtomicInteger();

  /** The most buffer memory the allocator held above its level when the server started. */
  final AtomicLong peakBufferGrowth = new AtomicLong();

  private final long bufferBaseline = usedBufferMemory();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;
  final int port;

  NettyServer(GatehouseHandler.Factory auth) throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new BodyCounter())
                        .addLast(auth.newHandler())
                        .addLast(new HttpObjectAggregator(16 * 1024 * 1024))
                        .addLast(new App());
                  }
                });
    server = bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static long usedBufferMemory() {
    ByteBufAllocatorMetric metric =
        ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
    return metric.usedDirectMemory() + metric.usedHeapMemory();
  }

  /** Counts the body bytes the server read off the socket, before Gatehouse sees them. */
  private final class BodyCounter extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpContent content) {
        bodyBytesRead.addAndGet(content.content().readableBytes());
      }
      peakBufferGrowth.accumulateAndGet(usedBufferMemory() - bufferBaseline, Math::max);
      ctx.fireChannelRead(msg);
    }
  }

  /** Answers with the caller it sees in the channel attributes, one {@code key=value} a line. */
  private final class App extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      appCalls.incrementAndGet();
      Identity identity = ctx.channel().attr(GatehouseHandler.IDENTITY).get();
      Decision decision = ctx.channel().attr(GatehouseHandler.DECISION).get();
      InetAddress client = ctx.channel().attr(GatehouseHandler.CLIENT_ADDRESS).get();
      String text =
          "subject="
              + (identity == null ? "none" : identity.subject())
              + "\nclient="
              + (client == null ? "none" : client.getHostAddress())
              + "\nallowed="
              + (decision != null && decision.allowed())
              + "\npath="
              + request.uri()
              + "\nbody="
              + request.content().readableBytes()
              + "\n";
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              request.protocolVersion(),
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
