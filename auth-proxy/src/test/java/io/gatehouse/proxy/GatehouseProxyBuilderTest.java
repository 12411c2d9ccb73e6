package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Gatehouse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder refuses what it cannot serve at once, naming the bad value. */
class GatehouseProxyBuilderTest {
  @TempDir Path dir;

  @Test
  void badUpstreamsAndSettingsAreRefusedEagerly() {
    try (Store store = new Store(dir)) {
      Gatehouse gatehouse = store.managed.gatehouse();
      for (String bad :
          new String[] {
            "https://127.0.0.1:3000",
            "ftp://127.0.0.1",
            "localhost:3000",
            "http:///nohost",
            "http://user:pw@127.0.0.1:3000",
            "http://127.0.0.1:3000/base",
            "http://127.0.0.1:3000/?q=1",
            "http://127.0.0.1:3000#f",
            "ftp://user:pw@127.0.0.1",
            "https://user:pw@127.0.0.1:3000/base",
            "http://pw@127.0.0.1:3000/base?q=pw",
            "http:///nohost?pw"
          }) {
        assertThatThrownBy(() -> GatehouseProxy.builder(gatehouse, URI.create(bad)))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("upstream")
            .hasMessageNotContaining("pw");
      }
      GatehouseProxy.Builder builder =
          GatehouseProxy.builder(gatehouse, URI.create("http://127.0.0.1:3000/"));
      assertThatThrownBy(() -> builder.port(65536)).hasMessageContaining("65536");
      assertThatThrownBy(() -> builder.port(-1)).hasMessageContaining("-1");
      assertThatThrownBy(() -> builder.threads(0)).hasMessageContaining("0");
      assertThatThrownBy(() -> builder.maxConnections(0)).hasMessageContaining("maxConnections");
      assertThatThrownBy(() -> builder.maxHeaderSize(10)).hasMessageContaining("10");
      assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO))
          .hasMessageContaining("connectTimeout");
      assertThatThrownBy(() -> builder.responseTimeout(Duration.ofSeconds(-1)))
          .hasMessageContaining("responseTimeout");
      assertThatThrownBy(() -> builder.idleTimeout(Duration.ofNanos(5)))
          .hasMessageContaining("idleTimeout");
      assertThatThrownBy(() -> builder.bindAddress(" ")).hasMessageContaining("bindAddress");

      GatehouseProxy proxy = builder.port(0).bindAddress("127.0.0.1").build();
      assertThatThrownBy(proxy::port).isInstanceOf(IllegalStateException.class);
      try (GatehouseProxy started = proxy.start()) {
        assertThat(started.port()).isPositive();
        assertThat(started.upstream()).isEqualTo(URI.create("http://127.0.0.1:3000/"));
        assertThat(started.toString()).contains("port " + started.port());
        assertThatThrownBy(started::start).isInstanceOf(IllegalStateException.class);
        // A second proxy on the same port cannot bind, and says so.
        int taken = started.port();
        assertThatThrownBy(
                () ->
                    GatehouseProxy.builder(gatehouse, URI.create("http://127.0.0.1:3000"))
                        .port(taken)
                        .build()
                        .start())
            .isInstanceOf(java.io.UncheckedIOException.class)
            .hasMessageContaining(Integer.toString(taken));
      }
      proxy.close(); // idempotent
      assertThat(proxy.toString()).contains("stopped");
    }
  }
}
