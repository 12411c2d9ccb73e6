/**
 * Gatehouse as a reverse proxy: {@link io.gatehouse.proxy.GatehouseProxy} decides every request
 * with a {@link io.gatehouse.core.Gatehouse} and passes allowed ones, with the caller's identity in
 * {@code X-Gatehouse-*} headers, to an HTTP upstream written in any language.
 */
module io.gatehouse.proxy {
  requires transitive io.gatehouse.core;
  requires io.gatehouse.netty;
  requires io.netty.codec.http;
  requires io.netty.transport;
  requires io.netty.common;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.handler;

  exports io.gatehouse.proxy;
}
