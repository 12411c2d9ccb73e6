package io.gatehouse.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.testkit.Fixtures;
import io.gatehouse.testkit.TokenAuthenticator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The handler's flow control and buffer ownership, message by message, on Netty's embedded channel:
 * what it holds while deciding, what it forwards, and that it releases every refused part.
 */
class GatehouseHandlerChannelTest {
  private final CompletableFuture<AuthOutcome> gate = new CompletableFuture<>();

  /** Abstains without {@code x-gate}; otherwise answers when the test completes {@link #gate}. */
  private final Authenticator gated =
      new Authenticator() {
        @Override
        public String id() {
          return "gated";
        }

        @Override
        public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
          return context.request().header("x-gate") == null
              ? AuthOutcome.abstain().completed()
              : gate;
        }
      };

  private EmbeddedChannel channel(GatehouseHandler.Builder builder) {
    return new EmbeddedChannel(builder.build().newHandler());
  }

  private EmbeddedChannel gatedChannel() {
    return channel(GatehouseHandler.builder(Gatehouse.builder().authenticator(gated).build()));
  }

  private static HttpRequest post(String path, long contentLength, String... headers) {
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path);
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, (int) contentLength);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    return request;
  }

  private static @org.jspecify.annotations.Nullable Object inbound(EmbeddedChannel channel) {
    return channel.readInbound();
  }

  private static @org.jspecify.annotations.Nullable Object outbound(EmbeddedChannel channel) {
    return channel.readOutbound();
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  private static Identity carol() {
    return Identity.builder("carol", "gated", SpaceResolver.DEFAULT_SPACE).build();
  }

  @Test
  void holdsReadingAndQueuesContentWhileDecidingThenForwardsInOrder() {
    EmbeddedChannel channel = gatedChannel();
    HttpRequest head = post("/p", 6, "x-gate", "1");
    HttpContent part = new DefaultHttpContent(bytes("abc"));
    LastHttpContent last = new DefaultLastHttpContent(bytes("def"));

    channel.writeInbound(head, part, last);

    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(inbound(channel)).isNull();

    gate.complete(AuthOutcome.success(carol()));
    channel.runPendingTasks();

    assertThat(inbound(channel)).isSameAs(head);
    assertThat(inbound(channel)).isSameAs(part);
    assertThat(inbound(channel)).isSameAs(last);
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(channel.attr(GatehouseHandler.IDENTITY).get().subject()).isEqualTo("carol");
    assertThat(channel.attr(GatehouseHandler.CLIENT_ADDRESS).get().isLoopbackAddress()).isTrue();
    part.release();
    last.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void refusalReleasesEveryBodyPartAndKeepsACompleteRequestsConnection() {
    EmbeddedChannel channel = gatedChannel();
    ByteBuf first = bytes("abc");
    ByteBuf second = bytes("def");

    channel.writeInbound(
        post("/p", 6), new DefaultHttpContent(first), new DefaultLastHttpContent(second));

    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    assertThat(inbound(channel)).isNull();
    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status().code()).isEqualTo(401);
    assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isNull();
    assertThat(response.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE))
        .containsExactly("Bearer realm=\"gatehouse\"");
    response.release();
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.attr(GatehouseHandler.IDENTITY).get()).isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void refusalOfALargeUnreadBodyClosesAfterItsLastPart() {
    EmbeddedChannel channel = gatedChannel();
    ByteBuf early = bytes("early");
    channel.writeInbound(post("/upload", 10_000_000), new DefaultHttpContent(early));

    FullHttpResponse response = channel.readOutbound();
    assertThat(response.status().code()).isEqualTo(401);
    assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    response.release();
    assertThat(early.refCnt()).isZero();
    assertThat(channel.isOpen()).as("still reading to let the client finish sending").isTrue();

    ByteBuf late = bytes("late");
    ByteBuf end = bytes("end");
    channel.writeInbound(new DefaultHttpContent(late), new DefaultLastHttpContent(end));
    channel.runPendingTasks();

    assertThat(late.refCnt()).isZero();
    assertThat(end.refCnt()).isZero();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void refusalOfALargeBodyThatNeverEndsClosesAfterTheDiscardTimeout() {
    EmbeddedChannel channel =
        channel(
            GatehouseHandler.builder(Gatehouse.builder().authenticator(gated).build())
                .discardTimeout(Duration.ofSeconds(2)));
    channel.writeInbound(post("/upload", 10_000_000));
    FullHttpResponse response = channel.readOutbound();
    response.release();

    channel.advanceTimeBy(1, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();

    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void expectContinueRefusalClosesInsteadOfWaitingForABodyThatWillNotCome() {
    EmbeddedChannel channel = gatedChannel();
    channel.writeInbound(post("/p", 10, "Expect", "100-continue"));

    FullHttpResponse response = channel.readOutbound();
    assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    response.release();
  }

  @Test
  void channelClosedWhileDecidingReleasesQueuedPartsAndIgnoresTheLateDecision() {
    EmbeddedChannel channel = gatedChannel();
    ByteBuf part = bytes("abc");
    channel.writeInbound(post("/p", 6, "x-gate", "1"), new DefaultHttpContent(part));

    channel.close().syncUninterruptibly();
    assertThat(part.refCnt()).isZero();

    gate.complete(AuthOutcome.success(carol()));
    channel.runPendingTasks();
    assertThat(inbound(channel)).isNull();
    assertThat(outbound(channel)).isNull();
  }

  @Test
  void nextRequestWaitsUntilTheResponseIsCompleteNotForAn100Continue() {
    EmbeddedChannel channel =
        channel(
            GatehouseHandler.builder(
                Gatehouse.builder()
                    .authenticator(
                        TokenAuthenticator.header("x-apikey", Fixtures.table(), Duration.ZERO))
                    .build()));
    HttpRequest first = post("/1", 0, "x-apikey", Fixtures.WRITER);
    HttpRequest second = post("/2", 0, "x-apikey", Fixtures.READER);
    channel.writeInbound(
        first, LastHttpContent.EMPTY_LAST_CONTENT, second, LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(inbound(channel)).isSameAs(first);
    assertThat(inbound(channel)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(inbound(channel)).as("held until /1 is answered").isNull();
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(channel.attr(GatehouseHandler.IDENTITY).get().subject()).isEqualTo("alice");

    channel.writeOutbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    channel.runPendingTasks();
    assertThat(inbound(channel)).isNull();

    channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    channel.runPendingTasks();
    // /2 is a READ token posting: refused by Gatehouse, never forwarded.
    assertThat(inbound(channel)).isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void afterAnUpgradeEverythingPassesThrough() {
    EmbeddedChannel channel =
        channel(
            GatehouseHandler.builder(
                Gatehouse.builder()
                    .authenticator(
                        TokenAuthenticator.header("x-apikey", Fixtures.table(), Duration.ZERO))
                    .build()));
    HttpRequest upgrade = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/ws");
    upgrade.headers().add("x-apikey", Fixtures.WRITER);
    channel.writeInbound(upgrade, LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(inbound(channel)).isSameAs(upgrade);
    assertThat(inbound(channel)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);

    channel.writeOutbound(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    channel.runPendingTasks();
    ByteBuf frame = bytes("frame");
    channel.writeInbound(frame);
    assertThat(inbound(channel)).isSameAs(frame);
    frame.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void strayContentIsReleasedAndOtherMessagesPassThrough() {
    EmbeddedChannel channel = gatedChannel();
    ByteBuf stray = bytes("stray");
    channel.writeInbound(new DefaultHttpContent(stray), "not http");

    assertThat(stray.refCnt()).isZero();
    assertThat(inbound(channel)).isEqualTo("not http");
    channel.finishAndReleaseAll();
  }
}
