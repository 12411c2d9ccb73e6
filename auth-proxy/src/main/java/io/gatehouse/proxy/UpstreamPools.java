package io.gatehouse.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to the upstream, one pool per event loop: a client connection and the
 * upstream connection that serves it share a thread, so relaying needs no locks or hand-offs.
 */
final class UpstreamPools {
  static final String CODEC = "upstream-codec";
  static final String BACKEND = "upstream-backend";

  private final ProxyConfig config;
  private final ConcurrentHashMap<EventLoop, FixedChannelPool> pools = new ConcurrentHashMap<>();
  private final AtomicInteger opened = new AtomicInteger();
  private volatile boolean closed;

  UpstreamPools(ProxyConfig config) {
    this.config = config;
  }

  /** The pool of {@code loop}'s upstream connections, made on first use. */
  FixedChannelPool pool(EventLoop loop) {
    return pools.computeIfAbsent(loop, this::newPool);
  }

  /** Connections opened to the upstream so far (tests read it to see reuse). */
  int opened() {
    return opened.get();
  }

  String authority() {
    String host = config.upstreamHost();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + config.upstreamPort();
  }

  boolean closed() {
    return closed;
  }

  private FixedChannelPool newPool(EventLoop loop) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .remoteAddress(
                InetSocketAddress.createUnresolved(config.upstreamHost(), config.upstreamPort()));
    return new FixedChannelPool(
        bootstrap,
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel channel) {
            opened.incrementAndGet();
            channel
                .pipeline()
                .addLast(CODEC, new HttpClientCodec())
                .addLast(BACKEND, new Backend(config));
          }
        },
        ChannelHealthChecker.ACTIVE,
        FixedChannelPool.AcquireTimeoutAction.FAIL,
        config.connectTimeout().toMillis(),
        config.connectionsPerLoop(),
        Integer.MAX_VALUE,
        true,
        true);
  }

  void close() {
    closed = true;
    for (FixedChannelPool pool : pools.values()) {
      pool.close();
    }
    pools.clear();
  }
}
