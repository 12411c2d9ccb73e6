package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.ManagedGatehouse;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's walk-through against the Netty example on its own store. */
class NettyExampleTest {
  @TempDir Path store;

  @Test
  void realTokensFromTheStoreAndAWhitelistThatAppliesWithin2s() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (ManagedGatehouse managed = NettyExample.managedGatehouse(store);
        Operator operator = new Operator(store)) {
      Channel server = NettyExample.start(0, managed.gatehouse(), group);
      try {
        URI me =
            URI.create(
                "http://127.0.0.1:"
                    + ((InetSocketAddress) server.localAddress()).getPort()
                    + "/api/me");
        String token = operator.addToken(false);

        HttpResponse<String> allowed = operator.awaitStatus(me, token, 200, Duration.ofSeconds(2));
        assertThat(allowed.body()).contains("\"access\":\"READ_WRITE\"", "\"space\":\"dev\"");

        assertThat(operator.get(me, null).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = operator.get(me, "ghk_not-a-token-of-this-store");
        assertThat(unknown.statusCode()).isEqualTo(401);

        HttpResponse<String> readOnlyWrite = operator.post(me, operator.addToken(true));
        assertThat(readOnlyWrite.statusCode()).isEqualTo(403);
        // Outside office hours the hook refuses first; ManagedGatehouse's clock does not reach
        // the pipeline's AuthContext.now() yet, so this cannot pin the hour.
        assertThat(readOnlyWrite.body()).containsAnyOf("insufficient_access", "hook_denied");

        operator.whitelist("192.0.2.0/24");
        HttpResponse<String> outside = operator.awaitStatus(me, token, 403, Duration.ofSeconds(2));
        assertThat(outside.body()).contains("address_denied");
      } finally {
        server.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
