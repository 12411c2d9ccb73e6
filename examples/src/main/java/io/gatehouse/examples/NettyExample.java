package io.gatehouse.examples;

import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.netty.GatehouseHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * A Netty HTTP server behind the Gatehouse handler. Any path answers with the caller's identity as
 * JSON.
 *
 * <pre>
 * mvn -pl examples exec:java -Dexec.mainClass=io.gatehouse.examples.NettyExample [-Dexec.args=8081]
 * </pre>
 */
public final class NettyExample {
  private NettyExample() {}

  public static void main(String[] args) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    try {
      Channel server = start(Demo.port(args), Demo.gatehouse(Clock.systemUTC()), group);
      Demo.printUsage("Netty example", ((InetSocketAddress) server.localAddress()).getPort());
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully().syncUninterruptibly();
    }
  }

  /** Binds {@code port} (0: any free port) on {@code group}; close the channel to stop. */
  public static Channel start(int port, Gatehouse gatehouse, EventLoopGroup group)
      throws InterruptedException {
    GatehouseHandler.Factory auth = GatehouseHandler.builder(gatehouse).build();
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(auth.newHandler()) // before aggregation: decides on the head
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(new WhoAmIHandler());
              }
            })
        .bind(port)
        .sync()
        .channel();
  }

  /** The application: it only reads what the handler put on the channel for this request. */
  static final class WhoAmIHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Identity identity = ctx.channel().attr(GatehouseHandler.IDENTITY).get();
      InetAddress client = ctx.channel().attr(GatehouseHandler.CLIENT_ADDRESS).get();
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              request.protocolVersion(),
              HttpResponseStatus.OK,
              Unpooled.copiedBuffer(Demo.whoAmI(identity, client), StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
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
