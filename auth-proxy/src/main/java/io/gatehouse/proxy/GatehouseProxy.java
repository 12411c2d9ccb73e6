package io.gatehouse.proxy;

import io.gatehouse.core.Gatehouse;
import io.gatehouse.netty.GatehouseHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A reverse proxy that decides every request with a {@link Gatehouse} before an HTTP upstream sees
 * it, for applications in any language:
 *
 * <pre>{@code
 * try (GatehouseProxy proxy = GatehouseProxy.builder(gatehouse, URI.create("http://127.0.0.1:3000"))
 *         .port(8080)
 *         .build()
 *         .start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Each request is decided on its head by auth-netty's {@link GatehouseHandler}, so a refusal is
 * exactly the embedded library's (status, {@code WWW-Authenticate}, problem+json, {@code
 * Retry-After}, {@code RateLimit}). An allowed request goes upstream with every client-sent {@code
 * X-Gatehouse-*} header removed and the caller's identity added ({@link
 * io.gatehouse.core.IdentityHeaders}), {@code X-Forwarded-For} appended and {@code
 * X-Forwarded-Proto}/{@code -Host} set; hop-by-hop headers are dropped both ways. Bodies stream
 * both ways in pieces (reading pauses while the other side cannot take more), connections to the
 * upstream are kept alive in a pool per event loop, and an allowed WebSocket upgrade becomes a byte
 * tunnel after the upstream's {@code 101}. An upstream that cannot be reached is a 502, one that
 * does not answer in time a 504, both with a problem+json body that never names the upstream.
 *
 * <p>Requests whose framing could be read two ways (both {@code Content-Length} and {@code
 * Transfer-Encoding}, several {@code Content-Length}s, obsolete line folding) are refused with 400
 * and the connection closed before the upstream sees a byte.
 */
public final class GatehouseProxy implements AutoCloseable {
  private final ProxyConfig config;
  private final URI upstream;
  private final GatehouseHandler.Factory auth;
  private @Nullable EventLoopGroup group;
  private @Nullable UpstreamPools pools;
  private @Nullable Channel server;

  private GatehouseProxy(Builder builder) {
    this.upstream = builder.upstream;
    this.config =
        new ProxyConfig(
            builder.upstreamHost,
            builder.upstreamPort,
            builder.bindAddress,
            builder.port,
            builder.threads,
            builder.maxConnections,
            builder.maxHeaderSize,
            builder.connectTimeout,
            builder.responseTimeout,
            builder.idleTimeout);
    this.auth =
        GatehouseHandler.builder(builder.gatehouse).includeDetail(builder.includeDetail).build();
  }

  /**
   * A builder for a proxy deciding with {@code gatehouse} in front of {@code upstream}, an {@code
   * http://host[:port]} URI with no path, query or user information.
   *
   * @throws IllegalArgumentException when {@code upstream} is not such a URI
   */
  public static Builder builder(Gatehouse gatehouse, URI upstream) {
    return new Builder(gatehouse, upstream);
  }

  /**
   * Binds the listening socket and starts serving.
   *
   * @throws IllegalStateException when already started or closed
   * @throws java.io.UncheckedIOException when the address cannot be bound
   */
  public synchronized GatehouseProxy start() {
    if (group != null) {
      throw new IllegalStateException("the proxy was already started");
    }
    EventLoopGroup loops =
        new MultiThreadIoEventLoopGroup(config.threads(), NioIoHandler.newFactory());
    group = loops;
    UpstreamPools upstreamPools = new UpstreamPools(config);
    pools = upstreamPools;
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            Frontend.IDLE,
                            new IdleStateHandler(
                                0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                        .addLast(Frontend.DECODER, new StrictRequestDecoder(config.maxHeaderSize()))
                        .addLast(Frontend.ENCODER, new HttpResponseEncoder())
                        .addLast(Frontend.AUTH, auth.newHandler())
                        .addLast(Frontend.PROXY, new Frontend(upstreamPools));
                  }
                });
    try {
      server = bootstrap.bind(config.bindAddress(), config.port()).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while binding", e);
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      close();
      throw new java.io.UncheckedIOException(
          new java.io.IOException(
              "cannot listen on "
                  + config.bindAddress()
                  + ":"
                  + config.port()
                  + ": "
                  + e.getMessage(),
              e));
    }
    return this;
  }

  /** The port the proxy listens on (the one picked when built with port 0). */
  public int port() {
    Channel channel = server;
    if (channel == null) {
      throw new IllegalStateException("the proxy is not started");
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The upstream requests are passed to. */
  public URI upstream() {
    return upstream;
  }

  /** Waits until the proxy is closed (by {@link #close()} from another thread). */
  public void awaitClose() throws InterruptedException {
    Channel channel = server;
    if (channel != null) {
      channel.closeFuture().await();
    }
  }

  /** Stops listening, closes every connection and the upstream pools; idempotent. */
  @Override
  public synchronized void close() {
    Channel channel = server;
    server = null;
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
    UpstreamPools upstreamPools = pools;
    pools = null;
    if (upstreamPools != null) {
      upstreamPools.close();
    }
    EventLoopGroup loops = group;
    if (loops != null) {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  @Override
  public String toString() {
    Channel channel = server;
    return "GatehouseProxy[" + (channel == null ? "stopped" : "port " + port()) + "]";
  }

  /** Configures a {@link GatehouseProxy}. Every setter validates its argument at once. */
  public static final class Builder {
    final Gatehouse gatehouse;
    final URI upstream;
    final String upstreamHost;
    final int upstreamPort;
    String bindAddress = "127.0.0.1";
    int port = 8080;
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    int maxConnections = 64;
    int maxHeaderSize = 16 * 1024;
    boolean includeDetail = true;
    Duration connectTimeout = Duration.ofSeconds(5);
    Duration responseTimeout = Duration.ofSeconds(60);
    Duration idleTimeout = Duration.ofMinutes(2);

    private Builder(Gatehouse gatehouse, URI upstream) {
      this.gatehouse = Objects.requireNonNull(gatehouse, "gatehouse");
      Objects.requireNonNull(upstream, "upstream");
      // User information first, and no message ever echoes the whole URI: it may hold a password.
      String authority = upstream.getRawAuthority();
      if (upstream.getRawUserInfo() != null || (authority != null && authority.contains("@"))) {
        throw new IllegalArgumentException("upstream must not carry user information");
      }
      String scheme = upstream.getScheme();
      if (scheme == null || !scheme.toLowerCase(Locale.ROOT).equals("http")) {
        throw new IllegalArgumentException(
            "upstream must be an http:// URI (TLS to the upstream is not supported), was scheme "
                + scheme);
      }
      String host = upstream.getHost();
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("upstream names no host (scheme " + scheme + ")");
      }
      String path = upstream.getRawPath();
      if ((path != null && !path.isEmpty() && !path.equals("/"))
          || upstream.getRawQuery() != null
          || upstream.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "upstream must be http://host[:port] without a path, query or fragment (paths are"
                + " passed on unchanged), was one with host "
                + host);
      }
      this.upstream = upstream;
      this.upstreamHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      this.upstreamPort = upstream.getPort() < 0 ? 80 : upstream.getPort();
    }

    /** The address to listen on; default {@code 127.0.0.1} ({@code 0.0.0.0} for all). */
    public Builder bindAddress(String address) {
      Objects.requireNonNull(address, "bindAddress");
      if (address.isBlank()) {
        throw new IllegalArgumentException("bindAddress must not be blank");
      }
      this.bindAddress = address;
      return this;
    }

    /** The port to listen on, 0-65535 (0 picks a free one); default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Event loop threads; default the number of processors, at most 4. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * The most connections open to the upstream at once, shared out evenly between the event loops
     * (each loop keeps its own pool, at least one connection); default 64. A request that finds its
     * loop's pool busy waits up to the connect timeout, then gets 503.
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, was " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /** The largest request head (request line and headers) accepted; default 16 KiB. */
    public Builder maxHeaderSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxHeaderSize must be at least 1024, was " + bytes);
      }
      this.maxHeaderSize = bytes;
      return this;
    }

    /** Whether refusals carry the decision's safe detail in the problem body; default true. */
    public Builder includeDetail(boolean includeDetail) {
      this.includeDetail = includeDetail;
      return this;
    }

    /** How long connecting to the upstream may take before the request gets 504; default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest silence from the upstream while a response is awaited or streaming; before the
     * response head it is a 504, after it the client's connection is closed. Default 60 s.
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    /** How long a client connection may stay without any traffic before it is closed; 120 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** The proxy, not yet listening: call {@link GatehouseProxy#start()}. */
    public GatehouseProxy build() {
      return new GatehouseProxy(this);
    }

    private static Duration positive(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + timeout);
      }
      return timeout;
    }
  }
}
