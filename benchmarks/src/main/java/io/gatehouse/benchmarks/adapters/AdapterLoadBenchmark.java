package io.gatehouse.benchmarks.adapters;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.netty.GatehouseHandler;
import io.gatehouse.servlet.GatehouseFilter;
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
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Requests per second through each adapter with the API-token check on, against the same server
 * without any Gatehouse component, measured in the same run on loopback with a JDK {@link
 * HttpClient} load loop. Each round measures the plain and the gated server back to back (order
 * alternating), so drift on the shared machine hits both alike; the report gives the median req/s
 * and the median of the per-round ratios.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.gatehouse.benchmarks.adapters.AdapterLoadBenchmark \
 *     [clients=8] [rounds=10] [seconds=2]
 * </pre>
 */
public final class AdapterLoadBenchmark {
  static final String TOKEN = "bench-token-0123456789abcdef";

  private AdapterLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Duration round = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 2);

    Gatehouse gatehouse = Gatehouse.builder().authenticator(new TokenCheck()).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Map<String, Target> targets = new LinkedHashMap<>();
    Server jettyPlain = jetty(null);
    Server jettyFiltered = jetty(GatehouseFilter.builder(gatehouse).build());
    Channel nettyPlain = netty(group, null);
    Channel nettyFiltered = netty(group, GatehouseHandler.builder(gatehouse).build());
    targets.put("jetty, no filter", new Target(port(jettyPlain)));
    targets.put("jetty + GatehouseFilter", new Target(port(jettyFiltered)));
    targets.put("netty, no handler", new Target(port(nettyPlain)));
    targets.put("netty + GatehouseHandler", new Target(port(nettyFiltered)));
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (Target target : targets.values()) {
        target.check(client);
        load(client, target, clients, Duration.ofSeconds(6)); // warm-up (JIT), discarded
      }
      List<Pair> pairs =
          List.of(
              new Pair(
                  "jetty", targets.get("jetty, no filter"), targets.get("jetty + GatehouseFilter")),
              new Pair(
                  "netty",
                  targets.get("netty, no handler"),
                  targets.get("netty + GatehouseHandler")));
      for (int i = 0; i < rounds; i++) {
        for (Pair pair : pairs) {
          // Back-to-back rounds, order alternating, so drift on the shared machine cancels out.
          boolean plainFirst = i % 2 == 0;
          double first = load(client, plainFirst ? pair.plain : pair.gated, clients, round);
          double second = load(client, plainFirst ? pair.gated : pair.plain, clients, round);
          double plain = plainFirst ? first : second;
          double gated = plainFirst ? second : first;
          pair.plain.samples.add(plain);
          pair.gated.samples.add(gated);
          pair.ratios.add(Math.round(gated / plain * 1000) / 1000.0);
        }
      }
      System.out.printf("clients=%d rounds=%d round=%ss%n", clients, rounds, round.toSeconds());
      System.out.printf("%-28s %12s   %s%n", "server", "median req/s", "rounds");
      for (Map.Entry<String, Target> entry : targets.entrySet()) {
        System.out.printf(
            "%-28s %12.0f   %s%n",
            entry.getKey(), median(entry.getValue().samples), entry.getValue().samples);
      }
      for (Pair pair : pairs) {
        System.out.printf(
            "%s with Gatehouse / without: median of paired rounds %.3f %s%n",
            pair.name, median(pair.ratios), pair.ratios);
      }
    } finally {
      jettyPlain.stop();
      jettyFiltered.stop();
      nettyPlain.close().syncUninterruptibly();
      nettyFiltered.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** {@code clients} threads each sending requests back to back for {@code time}; req/s. */
  static double load(HttpClient client, Target target, int clients, Duration time)
      throws InterruptedException {
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Thread thread =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    HttpResponse<Void> response =
                        client.send(target.request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                      done.increment();
                    }
                  } catch (IOException e) {
                    // counted as not done
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
              });
      threads.add(thread);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(time.toMillis());
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return Math.round(done.sum() / seconds);
  }

  private static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  private static int port(Channel channel) {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Jetty 12 with a trivial servlet, behind {@code filter} when there is one. */
  static Server jetty(GatehouseFilter filter) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    if (filter != null) {
      FilterHolder holder = new FilterHolder(filter);
      holder.setAsyncSupported(true);
      context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    }
    ServletHolder app = new ServletHolder(new HelloServlet());
    app.setAsyncSupported(true);
    context.addServlet(app, "/*");
    server.setHandler(context);
    server.start();
    return server;
  }

  /** Netty with a trivial handler, behind the Gatehouse handler when there is one. */
  static Channel netty(EventLoopGroup group, GatehouseHandler.Factory auth)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec());
                if (auth != null) {
                  ch.pipeline().addLast(auth.newHandler());
                }
                ch.pipeline().addLast(new HttpObjectAggregator(65536)).addLast(new Hello());
              }
            })
        .bind(InetAddress.getLoopbackAddress(), 0)
        .sync()
        .channel();
  }

  /** One server under load, its request and its samples. */
  static final class Target {
    final HttpRequest request;
    final List<Double> samples = new ArrayList<>();

    Target(int port) {
      this.request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/hello"))
              .header("x-apikey", TOKEN)
              .build();
    }

    void check(HttpClient client) throws IOException, InterruptedException {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("setup: " + response.statusCode() + " " + response.body());
      }
    }
  }

  /** The same server with and without Gatehouse, and the ratio of each pair of rounds. */
  static final class Pair {
    final String name;
    final Target plain;
    final Target gated;
    final List<Double> ratios = new ArrayList<>();

    Pair(String name, Target plain, Target gated) {
      this.name = name;
      this.plain = plain;
      this.gated = gated;
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The API-token check: one header, a SHA-256 of the token, a map lookup. */
  static final class TokenCheck implements Authenticator {
    private final Map<String, Identity> byHash =
        Map.of(
            sha256(TOKEN),
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
      Identity identity = byHash.get(sha256(token));
      return (identity == null
              ? AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown token", challenge)
              : AuthOutcome.success(identity))
          .completed();
    }

    static String sha256(String token) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.setContentLength(BODY.length);
      response.getOutputStream().write(BODY);
    }
  }

  @ChannelHandler.Sharable
  static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              request.protocolVersion(),
              HttpResponseStatus.OK,
              Unpooled.wrappedBuffer("hello".getBytes(StandardCharsets.UTF_8)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 5);
      var unused = ctx.writeAndFlush(response);
    }
  }
}
