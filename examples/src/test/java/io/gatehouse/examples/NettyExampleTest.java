package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Smoke test: the example starts on a free port, lets a token in and keeps a stranger out. */
class NettyExampleTest {

  @Test
  void allowsATokenAndRefusesAnUnknownOne() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          NettyExample.start(0, Demo.gatehouse(JettyServletExampleTest.OFFICE_HOURS), group);
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      HttpClient client = HttpClient.newHttpClient();
      URI me = URI.create("http://127.0.0.1:" + port + "/api/me");

      HttpResponse<String> allowed =
          client.send(
              HttpRequest.newBuilder(me).header("x-apikey", Demo.WRITE_TOKEN).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body()).contains("\"subject\":\"writer\"").contains("\"deploy\"");

      HttpResponse<String> refused =
          client.send(
              HttpRequest.newBuilder(me).header("x-apikey", "not-a-demo-token-at-all").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("\"code\":\"unknown_credential\"");
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }
}
