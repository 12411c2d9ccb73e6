package io.gatehouse.benchmarks.proxy;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.proxy.GatehouseProxy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second through {@link GatehouseProxy} ({@code getGatehouse}, API-token check on)
 * beside a direct call to the same upstream ({@code getJdk}, the floor: the JDK client straight to
 * the app), in one run: a small in-process Netty app answering a fixed body, keep-alive on both
 * hops, four client threads sharing one JDK {@link HttpClient}. Read the ratio, not the req/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(4)
@Fork(1)
public class ProxyBenchmark {
  static final String TOKEN = "bench-proxy-token-0123456789";

  private EventLoopGroup appGroup;
  private Channel app;
  private GatehouseProxy proxy;
  private HttpClient client;
  private HttpRequest direct;
  private HttpRequest proxied;

  @Setup
  public void start() throws Exception {
    appGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    app =
        new ServerBootstrap()
            .group(appGroup)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Hello());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    int appPort = ((InetSocketAddress) app.localAddress()).getPort();
    Gatehouse gatehouse = Gatehouse.builder().authenticator(new TokenCheck()).build();
    proxy =
        GatehouseProxy.builder(gatehouse, URI.create("http://127.0.0.1:" + appPort))
            .port(0)
            .threads(1)
            .build()
            .start();
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    direct = request(appPort);
    proxied = request(proxy.port());
  }

  private static HttpRequest request(int port) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/hello"))
        .header("x-apikey", TOKEN)
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
  }

  @TearDown
  public void stop() {
    proxy.close();
    app.close().awaitUninterruptibly();
    appGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  @Benchmark
  public int getJdk() throws IOException, InterruptedException {
    return send(direct);
  }

  @Benchmark
  public int getGatehouse() throws IOException, InterruptedException {
    return send(proxied);
  }

  private int send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("status " + response.statusCode());
    }
    return response.body().length;
  }

  /** The app: a fixed body on every request, keep-alive. */
  @ChannelHandler.Sharable
  static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              request.protocolVersion(), HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
      var unused = ctx.writeAndFlush(response);
    }
  }

  /** One token, compared as the adapters benchmark does: a map lookup on the header value. */
  static final class TokenCheck implements Authenticator {
    private final Map<String, Identity> tokens =
        Map.of(
            TOKEN,
            Identity.builder("bench", "token", SpaceResolver.DEFAULT_SPACE)
                .access(Access.READ_WRITE)
                .build());
    private final Challenge challenge = Challenge.apiKey("bench", "x-apikey");

    @Override
    public String id() {
      return "token";
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
      String token = context.request().header("x-apikey");
      if (token == null) {
        return AuthOutcome.abstain(challenge).completed();
      }
      Identity identity = tokens.get(token);
      return (identity == null
              ? AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown token", challenge)
              : AuthOutcome.success(identity))
          .completed();
    }
  }
}
