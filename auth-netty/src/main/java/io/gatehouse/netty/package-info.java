/**
 * A Netty {@link io.netty.channel.ChannelHandler} that decides every HTTP request with a {@link
 * io.gatehouse.core.Gatehouse} on its head, before {@code HttpObjectAggregator}. Start with {@link
 * io.gatehouse.netty.GatehouseHandler#builder}.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.netty;
