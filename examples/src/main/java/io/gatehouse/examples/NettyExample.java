package io.gatehouse.examples;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.apikey.TokenStores;
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
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * A Netty HTTP server behind the Gatehouse handler, run by a {@link ManagedGatehouse}: tokens, IP
 * rules and JWT issuers come from the store that {@code ./gatehouse} changes, live. Any path
 * answers with the caller's identity as JSON. The console is a servlet, so it is not mounted here:
 * run it in a servlet app on the same store (the Jetty example, or {@code ./gatehouse serve}).
 *
 * <pre>
 * ./examples/run netty [port]
 * </pre>
 */
public final class NettyExample {
  private NettyExample() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Demo.port(args, 8081);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    try (ManagedGatehouse managed = managedGatehouse(Demo.STORE)) {
      Channel server = start(port, managed.gatehouse(), group);
      int bound = ((InetSocketAddress) server.localAddress()).getPort();
      Demo.printNextSteps(System.out, "Netty example", Demo.STORE, bound, false);
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully().syncUninterruptibly();
    }
  }

  /** Gatehouse from the store in {@code storeDirectory}, with the office-hours hook. */
  public static ManagedGatehouse managedGatehouse(Path storeDirectory) {
    return ManagedGatehouse.builder(TokenStores.h2Url(storeDirectory)) // or jdbc:postgresql://...
        .hook(
            new OfficeHoursHook(ZoneId.of("Europe/Paris"), LocalTime.of(8, 0), LocalTime.of(18, 0)))
        .build();
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
