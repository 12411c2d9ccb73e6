package io.gatehouse.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/** Relaying raw bytes one way through a tunnel, the same for both of its ends. */
final class TunnelRelay {
  private TunnelRelay() {}

  /**
   * Passes {@code msg} to {@code peer}, and stops reading from this side while the peer cannot take
   * more (its writability change turns reading back on). Anything but bytes closes this side,
   * except the decoder's empty last part that can follow a 101.
   */
  static void relay(ChannelHandlerContext ctx, Channel peer, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg);
      if (msg instanceof LastHttpContent) {
        return;
      }
      var unusedClose = ctx.close();
      return;
    }
    var unused = peer.write(msg);
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }
}
