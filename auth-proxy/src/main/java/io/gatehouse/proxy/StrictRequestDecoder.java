package io.gatehouse.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder in its strict setting (CRLF line endings only, one {@code
 * Content-Length}, never together with {@code Transfer-Encoding}), plus the one smuggling shape it
 * still accepts: obsolete line folding. Netty joins a folded line to the header before it; a server
 * behind the proxy may instead read the continuation as a header of its own, so the two would see
 * different requests. Before Netty parses a head, this decoder waits for the whole head and looks
 * for a line that starts with a space or tab; such a request becomes a failed decode, which {@link
 * io.gatehouse.netty.GatehouseHandler} answers with 400 and a closed connection.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
  private final int maxHeadBytes;
  private boolean atHead = true;
  private boolean poisoned;

  StrictRequestDecoder(int maxHeaderSize) {
    super(
        new HttpDecoderConfig()
            .setMaxHeaderSize(maxHeaderSize)
            .setStrictLineParsing(true)
            .setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true));
    this.maxHeadBytes = maxHeaderSize + 8192; // the request line has its own 4 KiB limit
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (poisoned) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    if (atHead) {
      int end = headEnd(buffer);
      if (end < 0) {
        if (buffer.readableBytes() < maxHeadBytes) {
          return; // wait for the rest of the head; Netty reports an over-long one itself
        }
      } else if (folded(buffer, end)) {
        poisoned = true;
        buffer.skipBytes(buffer.readableBytes());
        out.add(foldedRequest());
        return;
      }
    }
    int before = out.size();
    super.decode(ctx, buffer, out);
    for (int i = before; i < out.size(); i++) {
      Object message = out.get(i);
      if (message instanceof LastHttpContent) {
        atHead = true;
      } else if (message instanceof HttpRequest) {
        atHead = false;
      }
    }
  }

  /** The index just past the blank line that ends the head, or -1 when it has not all arrived. */
  private static int headEnd(ByteBuf buffer) {
    int start = buffer.readerIndex();
    int limit = buffer.writerIndex();
    int i = start;
    while (i < limit && (buffer.getByte(i) == '\r' || buffer.getByte(i) == '\n')) {
      i++; // blank lines before a request line are skipped (RFC 9112 section 2.2)
    }
    for (; i < limit; i++) {
      if (buffer.getByte(i) != '\n') {
        continue;
      }
      int next = i + 1;
      if (next < limit && buffer.getByte(next) == '\r') {
        next++;
      }
      if (next < limit && buffer.getByte(next) == '\n') {
        return next + 1;
      }
    }
    return -1;
  }

  /** True when a line after the request line starts with a space or tab (obs-fold). */
  private static boolean folded(ByteBuf buffer, int end) {
    int i = buffer.readerIndex();
    while (i < end && (buffer.getByte(i) == '\r' || buffer.getByte(i) == '\n')) {
      i++;
    }
    for (; i < end - 1; i++) {
      if (buffer.getByte(i) == '\n') {
        byte first = buffer.getByte(i + 1);
        if (first == ' ' || first == '\t') {
          return true;
        }
      }
    }
    return false;
  }

  private static HttpRequest foldedRequest() {
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, "/bad-request", Unpooled.EMPTY_BUFFER);
    request.setDecoderResult(
        DecoderResult.failure(
            new IllegalArgumentException("obsolete line folding in the request head")));
    return request;
  }
}
