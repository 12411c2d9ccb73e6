package io.gatehouse.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.core.Refusal;
import io.gatehouse.testkit.RawHttp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With the store (a real PostgreSQL) stopped, the proxy answers 503 and the upstream sees nothing.
 */
class ProxyStoreDownTest {

  @Test
  void aStoppedStoreIs503AndNothingPasses() throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    try (ScriptedUpstream upstream = new ScriptedUpstream(ScriptedUpstream::keepAliveOk);
        Store store =
            new Store(
                ManagedGatehouse.builder(postgres.getJdbcUrl("postgres", "postgres"))
                    .pollInterval(Duration.ofMillis(100))
                    .build());
        GatehouseProxy proxy =
            GatehouseProxy.builder(store.managed.gatehouse(), upstream.uri())
                .port(0)
                .threads(1)
                .build()
                .start()) {
      try (RawHttp raw = new RawHttp(proxy.port())) {
        assertThat(raw.get("/api/hello", store.readWrite).status()).isEqualTo(200);
      }
      int passedWhileUp = upstream.heads.size();
      postgres.close();
      // A valid token the pipeline has not seen yet must be looked up in the store, which is gone.
      RawHttp.Response response = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        try (RawHttp raw = new RawHttp(proxy.port())) {
          response = raw.get("/api/hello", store.read);
        }
        if (response.status() == 503) {
          break;
        }
      }
      assertThat(response).isNotNull();
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("content-type")).containsExactly(Refusal.PROBLEM_JSON);
      assertThat(response.body()).contains("\"status\":503").doesNotContain("jdbc", "postgres");
      assertThat(upstream.heads).hasSize(passedWhileUp);
    } finally {
      postgres.close();
    }
  }
}
