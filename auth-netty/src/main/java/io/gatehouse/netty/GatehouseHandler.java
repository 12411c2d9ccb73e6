package io.gatehouse.netty;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Decides every HTTP request with a {@link Gatehouse} on its head, before the body is aggregated.
 * One instance per channel, placed after {@code HttpServerCodec} and before {@code
 * HttpObjectAggregator}:
 *
 * <pre>{@code
 * GatehouseHandler.Factory auth = GatehouseHandler.builder(gatehouse).build();
 * ch.pipeline().addLast(new HttpServerCodec(), auth.newHandler(),
 *     new HttpObjectAggregator(1 << 20), new MyAppHandler());
 * }</pre>
 *
 * <p>While a decision is pending, reading is held ({@code autoRead} off) and the few messages
 * already decoded wait in a small queue; the event loop is never blocked. An allowed request is
 * passed on (head, then its content) with {@link #IDENTITY}, {@link #CLIENT_ADDRESS} and {@link
 * #DECISION} set on the channel for that request. A refused request gets the refusal rendered by
 * {@link Refusal} and its body is released part by part up to {@code LastHttpContent}, never
 * buffered.
 *
 * <p>Keep-alive after a refusal: when the body is already complete, or what is left of it is at
 * most {@link Builder#maxDrainBytes} (64 KiB by default), the rest is read and thrown away and the
 * connection stays open. A larger or chunked remainder, or an {@code Expect: 100-continue} body, is
 * not worth reading: the refusal says {@code Connection: close}, what the client still sends is
 * discarded until its last part (so the close does not reset a client mid-send) or for at most
 * {@link Builder#discardTimeout}, then the connection is closed.
 *
 * <p>Pipelined requests are handled one at a time, in order: the next request is decided only after
 * the application has written the complete response to the previous one, so every request gets its
 * own decision and the channel attributes always describe the request being answered.
 */
public final class GatehouseHandler extends ChannelDuplexHandler {

  /** The {@link Identity} of the request being handled on this channel. */
  public static final AttributeKey<Identity> IDENTITY =
      AttributeKey.valueOf("io.gatehouse.identity");

  /** The resolved client address of the request being handled on this channel. */
  public static final AttributeKey<InetAddress> CLIENT_ADDRESS =
      AttributeKey.valueOf("io.gatehouse.clientAddress");

  /** The whole {@link Decision} for the request being handled on this channel. */
  public static final AttributeKey<Decision> DECISION =
      AttributeKey.valueOf("io.gatehouse.decision");

  private enum State {
    /** Waiting for the next request head. */
    AWAIT_HEAD,
    /** A decision is pending for {@link #current}; reading is held. */
    DECIDING,
    /** Allowed: the current request's content goes to the application. */
    FORWARD,
    /** Refused: the current request's content is released until its last part. */
    DISCARD,
    /** Refused and closing: everything still read is released. */
    CLOSING,
    /** The connection was upgraded (101): everything passes through untouched. */
    UPGRADED
  }

  private final Factory config;
  private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
  private State state = State.AWAIT_HEAD;
  private @Nullable HttpRequest current;
  private boolean responsePending;
  private boolean informationalResponse;
  private boolean holding;
  private boolean processing;
  private boolean closeAfterBody;
  private @Nullable ChannelFuture refusalWritten;
  private @Nullable ScheduledFuture<?> closeTimer;

  private GatehouseHandler(Factory config) {
    this.config = config;
  }

  /** A builder of handler factories deciding with {@code gatehouse}. */
  public static Builder builder(Gatehouse gatehouse) {
    return new Builder(gatehouse);
  }

  // ---- inbound ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.UPGRADED && inbound.isEmpty()) {
      ctx.fireChannelRead(msg);
      return;
    }
    inbound.add(msg);
    process(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll();
  }

  /** Moves queued messages on as far as the state allows; the only place messages leave. */
  private void process(ChannelHandlerContext ctx) {
    if (processing) {
      return; // re-entered from a decision made inline below; the outer loop carries on
    }
    processing = true;
    try {
      while (!inbound.isEmpty() && step(ctx)) {
        // each step consumed one message
      }
    } finally {
      processing = false;
    }
    updateReading(ctx);
  }

  /** Handles the next queued message; false when the state makes the queue wait. */
  private boolean step(ChannelHandlerContext ctx) {
    return switch (state) {
      case DECIDING -> false;
      case AWAIT_HEAD -> {
        if (responsePending) {
          yield false; // the application still answers the previous request
        }
        Object next = inbound.poll();
        if (next instanceof HttpRequest head) {
          decide(ctx, head);
        } else if (next instanceof HttpContent stray) {
          stray.release(); // content of no decided request is never passed on
        } else {
          ctx.fireChannelRead(next);
        }
        yield true;
      }
      case FORWARD -> {
        Object content = inbound.poll();
        if (content instanceof LastHttpContent) {
          state = State.AWAIT_HEAD;
        }
        ctx.fireChannelRead(content);
        yield true;
      }
      case DISCARD -> {
        Object discarded = inbound.poll();
        ReferenceCountUtil.release(discarded);
        if (discarded instanceof LastHttpContent) {
          bodyDiscarded();
        }
        yield true;
      }
      case CLOSING -> {
        ReferenceCountUtil.release(inbound.poll());
        yield true;
      }
      case UPGRADED -> {
        ctx.fireChannelRead(inbound.poll());
        yield true;
      }
    };
  }

  private void decide(ChannelHandlerContext ctx, HttpRequest head) {
    current = head;
    state = State.DECIDING;
    clearAttributes(ctx);
    if (head.decoderResult().isFailure()) {
      // Never authenticate (or pass on) a request Netty could not parse.
      refuse(ctx, head, Decision.badRequest("the request could not be parsed"));
      return;
    }
    NettyAuthRequest request = NettyAuthRequest.of(head, ctx.channel().remoteAddress());
    if (request == null) {
      refuse(
          ctx,
          head,
          Decision.badRequest(
              "ambiguous request path: dot segment, encoded '/' or '\\', bad escape or not UTF-8"));
      return;
    }
    CompletableFuture<Decision> pending = config.gatehouse.decide(request).toCompletableFuture();
    if (pending.isDone()) {
      onDecision(ctx, head, pending.isCompletedExceptionally() ? null : pending.getNow(null));
    } else {
      var unused =
          pending.whenComplete(
              (decision, failure) -> ctx.executor().execute(() -> resume(ctx, head, decision)));
    }
  }

  /** An asynchronous decision arrives, on the event loop. */
  private void resume(ChannelHandlerContext ctx, HttpRequest head, @Nullable Decision decision) {
    if (current != head || state != State.DECIDING) {
      return; // the channel closed (and was cleaned up) meanwhile
    }
    onDecision(ctx, head, decision);
    process(ctx);
  }

  private void onDecision(
      ChannelHandlerContext ctx, HttpRequest head, @Nullable Decision decision) {
    Decision outcome = decision != null ? decision : internalError();
    if (!ctx.channel().isActive()) {
      ReferenceCountUtil.release(head);
      state = State.CLOSING;
      return;
    }
    if (outcome.allowed()) {
      ctx.channel().attr(DECISION).set(outcome);
      ctx.channel().attr(IDENTITY).set(outcome.identity());
      ctx.channel().attr(CLIENT_ADDRESS).set(outcome.clientAddress());
      responsePending = true;
      state = head instanceof LastHttpContent ? State.AWAIT_HEAD : State.FORWARD;
      ctx.fireChannelRead(head);
    } else {
      refuse(ctx, head, outcome);
    }
  }

  private void refuse(ChannelHandlerContext ctx, HttpRequest head, Decision decision) {
    // A request Netty could not parse has no trustworthy framing: answer and close.
    boolean parsed = head.decoderResult().isSuccess();
    boolean bodyComplete = head instanceof LastHttpContent || lastPartQueued();
    boolean keepAlive =
        parsed
            && HttpUtil.isKeepAlive(head)
            && (bodyComplete || (!HttpUtil.is100ContinueExpected(head) && smallRemainder(head)));
    boolean whole = head instanceof LastHttpContent;
    FullHttpResponse response = render(head.protocolVersion(), decision, config.includeDetail);
    ReferenceCountUtil.release(head);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (whole || !parsed) {
      afterRefusal(written, keepAlive);
    } else {
      state = State.DISCARD;
      closeAfterBody = !keepAlive;
      refusalWritten = written;
      if (!keepAlive) {
        closeTimer =
            ctx.executor()
                .schedule(
                    () -> {
                      var unused = ctx.close();
                    },
                    config.discardTimeout.toNanos(),
                    TimeUnit.NANOSECONDS);
      }
    }
  }

  /** The refused request's last part was released. */
  private void bodyDiscarded() {
    ChannelFuture written = Objects.requireNonNull(refusalWritten, "refusal");
    refusalWritten = null;
    afterRefusal(written, !closeAfterBody);
  }

  private void afterRefusal(ChannelFuture written, boolean keepAlive) {
    current = null;
    cancelCloseTimer();
    if (keepAlive) {
      state = State.AWAIT_HEAD;
    } else {
      state = State.CLOSING;
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private boolean lastPartQueued() {
    for (Object msg : inbound) {
      if (msg instanceof LastHttpContent) {
        return true;
      }
    }
    return false;
  }

  /** True when what is left of the current body is small enough to read and throw away. */
  private boolean smallRemainder(HttpRequest head) {
    if (HttpUtil.isTransferEncodingChunked(head)) {
      return false;
    }
    long declared;
    try {
      // No Content-Length and not chunked: a request without a body (RFC 9112 section 6.3).
      declared = HttpUtil.getContentLength(head, 0L);
    } catch (NumberFormatException e) {
      return false;
    }
    long queued = 0;
    for (Object msg : inbound) {
      if (msg instanceof HttpContent part) {
        queued += part.content().readableBytes();
      }
    }
    return declared - queued <= config.maxDrainBytes;
  }

  /** Holds reading while a decision is pending or messages wait; resumes it otherwise. */
  private void updateReading(ChannelHandlerContext ctx) {
    boolean hold = state == State.DECIDING || !inbound.isEmpty();
    if (hold != holding && ctx.channel().isActive()) {
      holding = hold;
      ctx.channel().config().setAutoRead(!hold);
    }
  }

  // ---- outbound: track when the application finished its response ----

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (!holding) {
      ctx.read(); // an explicit read from the application while we hold would defeat the hold
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean ends = false;
    if (msg instanceof HttpResponse response) {
      HttpResponseStatus status = response.status();
      informationalResponse =
          status.codeClass() == HttpStatusClass.INFORMATIONAL
              && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
      if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        state = State.UPGRADED;
        ends = true;
      }
      Decision allowed = ctx.channel().attr(DECISION).get();
      if (responsePending && !informationalResponse && allowed != null) {
        addRateLimitHeaders(response, allowed);
      }
    }
    if (msg instanceof LastHttpContent && !informationalResponse) {
      ends = true;
    }
    var unused = ctx.write(msg, promise);
    if (ends && responsePending) {
      responsePending = false;
      clearAttributes(ctx);
      // Continue after this write returns: never re-enter the application from its own write.
      ctx.executor().execute(() -> process(ctx));
    }
  }

  // ---- rendering ----

  /** The refusal as a full response: status, challenges, Retry-After, problem+json body. */
  static FullHttpResponse render(HttpVersion version, Decision decision, boolean includeDetail) {
    byte[] body = Refusal.problemJson(decision, includeDetail).getBytes(StandardCharsets.UTF_8);
    ByteBuf content = Unpooled.wrappedBuffer(body);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            version,
            HttpResponseStatus.valueOf(decision.status(), Refusal.title(decision.status())),
            content);
    for (String challenge : Refusal.wwwAuthenticate(decision)) {
      response.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
    }
    String retryAfter = Refusal.retryAfter(decision);
    if (retryAfter != null) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
    }
    addRateLimitHeaders(response, decision);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, Refusal.PROBLEM_JSON);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /** The IETF {@code RateLimit-Policy} and {@code RateLimit} fields, when a limit is known. */
  private static void addRateLimitHeaders(HttpResponse response, Decision decision) {
    String policy = Refusal.rateLimitPolicy(decision);
    String state = Refusal.rateLimit(decision);
    if (policy != null && state != null && !response.headers().contains("RateLimit")) {
      response.headers().set("RateLimit-Policy", policy);
      response.headers().set("RateLimit", state);
    }
  }

  private static Decision internalError() {
    return Decision.refusal(Reason.INTERNAL, "internal error", null);
  }

  private static void clearAttributes(ChannelHandlerContext ctx) {
    ctx.channel().attr(DECISION).set(null);
    ctx.channel().attr(IDENTITY).set(null);
    ctx.channel().attr(CLIENT_ADDRESS).set(null);
  }

  private void releaseAll() {
    Object msg;
    while ((msg = inbound.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
    if (state == State.DECIDING && current != null) {
      ReferenceCountUtil.release(current);
    }
    current = null;
    state = State.CLOSING;
    cancelCloseTimer();
  }

  private void cancelCloseTimer() {
    ScheduledFuture<?> timer = closeTimer;
    if (timer != null) {
      timer.cancel(false);
      closeTimer = null;
    }
  }

  @Override
  public String toString() {
    return "GatehouseHandler[" + state + "]";
  }

  /** Makes one {@link GatehouseHandler} per channel; immutable and shareable. */
  public static final class Factory {
    private final Gatehouse gatehouse;
    private final boolean includeDetail;
    private final long maxDrainBytes;
    private final Duration discardTimeout;

    private Factory(Builder builder) {
      this.gatehouse = builder.gatehouse;
      this.includeDetail = builder.includeDetail;
      this.maxDrainBytes = builder.maxDrainBytes;
      this.discardTimeout = builder.discardTimeout;
    }

    /** A new handler for one channel (the handler keeps per-connection state). */
    public GatehouseHandler newHandler() {
      return new GatehouseHandler(this);
    }
  }

  /** Configures {@link GatehouseHandler}s. Every setter validates its argument at once. */
  public static final class Builder {
    private final Gatehouse gatehouse;
    private boolean includeDetail = true;
    private long maxDrainBytes = 64 * 1024;
    private Duration discardTimeout = Duration.ofSeconds(2);

    private Builder(Gatehouse gatehouse) {
      this.gatehouse = Objects.requireNonNull(gatehouse, "gatehouse");
    }

    /** Whether refusals carry the decision's safe detail in the problem body; default true. */
    public Builder includeDetail(boolean includeDetail) {
      this.includeDetail = includeDetail;
      return this;
    }

    /**
     * The largest unread body remainder a refused request may have and still keep its connection
     * (the rest is read and released); default 64 KiB.
     */
    public Builder maxDrainBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxDrainBytes must not be negative, was " + bytes);
      }
      this.maxDrainBytes = bytes;
      return this;
    }

    /**
     * How long a refused request's large body is still read and discarded before the connection is
     * closed; default 2 s.
     */
    public Builder discardTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "discardTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("discardTimeout must be positive, was " + timeout);
      }
      this.discardTimeout = timeout;
      return this;
    }

    public Factory build() {
      return new Factory(this);
    }
  }
}
