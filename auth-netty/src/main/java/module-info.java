/**
 * Gatehouse for Netty 4.2: {@link io.gatehouse.netty.GatehouseHandler} decides each HTTP request on
 * its head, before aggregation, without blocking the event loop.
 */
module io.gatehouse.netty {
  requires transitive io.gatehouse.core;
  requires transitive io.netty.codec.http;
  requires transitive io.netty.transport;
  requires transitive io.netty.common;
  requires io.netty.buffer;
  requires io.netty.codec;

  exports io.gatehouse.netty;
}
