package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Reason;
import io.gatehouse.core.SpaceResolver;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong store URLs, an unreachable database, odd space names, settings from a newer version. */
class BadInputTest {
  @TempDir Path dir;

  @Test
  void aWrongStoreUrlIsAClearIllegalArgumentException() {
    for (String url :
        new String[] {"jdbc:mysql://db/app", "jdbc:h2x:garbled", "postgres://db", ""}) {
      assertThatThrownBy(() -> ManagedGatehouse.builder(url))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unsupported store")
          .hasMessageContaining("jdbc:postgresql://host/db or jdbc:h2:file:/path");
    }
  }

  @Test
  void anUnreachableDatabaseAtStartIsUnavailable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    ManagedGatehouse.Builder builder =
        ManagedGatehouse.builder("jdbc:postgresql://127.0.0.1:" + closed + "/gatehouse")
            .credentials("gatehouse", "s3cret-password");

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            AdminException.class,
            e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.UNAVAILABLE))
        .hasMessageContaining("store unreachable at jdbc:postgresql://127.0.0.1:" + closed)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aSchemaNewerThanTheLibraryIsRefused() throws Exception {
    String url = TokenStores.h2Url(dir.resolve("store"));
    AdminStore.builder(url).open().close();
    try (Connection connection = DriverManager.getConnection(url + ";AUTO_SERVER=TRUE", "", "");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "insert into gatehouse_space_settings_schema (version, applied_at) values (99, 0)");
    }

    assertThatThrownBy(() -> ManagedGatehouse.builder(url).build())
        .isInstanceOfSatisfying(
            AdminException.class,
            e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.UNAVAILABLE))
        .hasMessageContaining("schema version 99, newer than this gatehouse knows");
  }

  @Test
  void oddSpaceNamesAreRefusedByTheOperationsAndResolvers() throws Exception {
    String url = TokenStores.h2Url(dir.resolve("store"));
    try (AdminStore store = AdminStore.builder(url).open();
        Management operator = store.management("dev", Caller.operator())) {
      for (String odd : new String[] {"../x", "a b", "a".repeat(65), "\u00e9t\u00e9", ""}) {
        assertThatThrownBy(() -> store.management(odd, Caller.operator()))
            .as(odd)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("invalid space name");
        assertThatThrownBy(() -> operator.addSpace(odd))
            .as(odd)
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(
                SpaceResolver.fromHeader("X-Gatehouse-Space")
                    .resolve(AuthRequest.builder().header("X-Gatehouse-Space", odd).build()))
            .isNull();
      }
      assertThat(operator.spaces().stream().map(Management.SpaceView::name)).containsExactly("dev");
    }
  }

  @Test
  void settingsFromANewerVersionRefuseTheirSpaceUntilFixed() throws Exception {
    String url = TokenStores.h2Url(dir.resolve("store"));
    try (AdminStore store = AdminStore.builder(url).open();
        Management dev = store.management("dev", Caller.operator());
        Management prod = store.management("prod", Caller.operator())) {
      dev.allow(java.util.List.of("192.0.2.0/24"));
      prod.allow(java.util.List.of("127.0.0.0/8"));
    }
    try (Connection connection = DriverManager.getConnection(url + ";AUTO_SERVER=TRUE", "", "");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "update gatehouse_space_settings set setting_value ="
              + " '{\"allow\":[\"192.0.2.0/24\"],\"v\":99}' where space = 'dev' and name = 'allow'");
    }

    try (ManagedGatehouse managed =
        ManagedGatehouse.builder(url)
            .spaceResolver(SpaceResolver.fromHeader("X-Gatehouse-Space"))
            .build()) {
      Decision inDev = decide(managed, "dev");
      Decision inProd = decide(managed, "prod");

      assertThat(inDev.status()).as(inDev.explain()).isEqualTo(503);
      assertThat(inDev.reason()).isEqualTo(Reason.UNAVAILABLE);
      assertThat(inDev.trace().get(0).stage()).isEqualTo("space");
      assertThat(inDev.trace().get(0).detail())
          .contains("the settings of space 'dev' in the store cannot be read");
      assertThat(inProd.reason())
          .as("another space is served")
          .isEqualTo(Reason.MISSING_CREDENTIALS);

      // fixed by the operator: served again (here through a reload, as the change feed does)
      try (Connection connection = DriverManager.getConnection(url + ";AUTO_SERVER=TRUE", "", "");
          Statement statement = connection.createStatement()) {
        statement.execute(
            "update gatehouse_space_settings set setting_value = '{\"allow\":[\"127.0.0.0/8\"]}'"
                + " where space = 'dev' and name = 'allow'");
      }
      try (Management operator = managed.management("dev", Caller.operator())) {
        operator.deny(java.util.List.of("203.0.113.9")); // a write announces the space
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      Decision fixed = decide(managed, "dev");
      while (fixed.status() == 503 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        fixed = decide(managed, "dev");
      }
      assertThat(fixed.reason()).as(fixed.explain()).isEqualTo(Reason.MISSING_CREDENTIALS);
    }
  }

  private static Decision decide(ManagedGatehouse managed, String space) {
    return managed
        .gatehouse()
        .decide(AuthRequest.builder().header("X-Gatehouse-Space", space).build())
        .toCompletableFuture()
        .join();
  }
}
