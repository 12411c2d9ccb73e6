package io.gatehouse.proxy;

import java.time.Duration;

/** A snapshot of a {@link GatehouseProxy.Builder}: later changes to the builder do not leak in. */
record ProxyConfig(
    String upstreamHost,
    int upstreamPort,
    String bindAddress,
    int port,
    int threads,
    int maxConnections,
    int maxHeaderSize,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout) {

  /** Each event loop's share of {@link #maxConnections}, at least one. */
  int connectionsPerLoop() {
    return Math.max(1, (maxConnections + threads - 1) / threads);
  }
}
