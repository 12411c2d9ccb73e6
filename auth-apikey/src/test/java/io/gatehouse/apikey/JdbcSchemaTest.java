package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store creates and versions its schema itself, on H2 and PostgreSQL alike. */
class JdbcSchemaTest {
  @TempDir Path dir;

  private static List<Integer> versions(String url, String user) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, user, "");
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("select version from gatehouse_schema order by version")) {
      List<Integer> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
      return out;
    }
  }

  @Test
  void aFreshH2FileIsMigratedOnceAndKeepsItsDataWhenReopened() throws Exception {
    String url = TokenStores.h2Url(dir);
    CreatedToken created;
    try (ApiKeys keys = ApiKeys.builder(TokenStores.h2File(dir)).build()) {
      created = keys.create(NewToken.apiToken("default").name("kept").build());
    }
    assertThat(dir.resolve(TokenStores.H2_FILE_NAME + ".mv.db")).exists();
    try (ApiKeys keys = ApiKeys.builder(TokenStores.h2File(dir)).build()) {
      assertThat(keys.find(created.token()))
          .hasValueSatisfying(i -> assertThat(i.name()).isEqualTo("kept"));
    }
    assertThat(versions(url, "")).containsExactly(1, 2, 3);
    assertThat(JdbcSchema.latestVersion()).isEqualTo(3);
  }

  @Test
  void aDatabaseFromANewerGatehouseIsRefusedWithAClearMessage() throws Exception {
    String url = TokenStores.h2Url(dir);
    TokenStores.h2File(dir).close();
    try (Connection connection = DriverManager.getConnection(url, "", "");
        Statement statement = connection.createStatement()) {
      statement.execute("insert into gatehouse_schema (version, applied_at) values (99, 0)");
    }
    try (TokenStore store = TokenStores.h2File(dir)) {
      assertThatThrownBy(() -> store.findById("aaaaaaaaaa"))
          .isInstanceOf(TokenStoreException.class)
          .hasRootCauseMessage(
              "the token database has schema version 99, newer than this Gatehouse knows (3):"
                  + " upgrade Gatehouse");
    }
  }

  @Test
  void instancesStartingTogetherOnPostgresMigrateOnce() throws Exception {
    String url = Postgres.freshDatabase();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<TokenStore>> starting = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<TokenStore> open = () -> TokenStores.jdbc().url(url, "postgres", "").build();
        starting.add(pool.submit(open));
      }
      for (Future<TokenStore> future : starting) {
        try (TokenStore store = future.get()) {
          assertThat(store.list("default")).isEmpty();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(versions(url, "postgres")).containsExactly(1, 2, 3);
  }

  @Test
  void aDataSourceWorksLikeAUrl() {
    var postgres = Postgres.shared();
    String url = Postgres.freshDatabase(postgres);
    String name = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
    try (ApiKeys keys =
        ApiKeys.builder(
                TokenStores.jdbc().dataSource(postgres.getDatabase("postgres", name)).build())
            .build()) {
      CreatedToken created = keys.create(NewToken.apiToken("default").build());
      assertThat(keys.list("default"))
          .extracting(TokenInfo::id)
          .containsExactly(created.info().id());
    }
    assertThatThrownBy(
            () ->
                TokenStores.jdbc()
                    .url(url, "postgres", "")
                    .dataSource(postgres.getPostgresDatabase())
                    .build())
        .hasMessageContaining("not both");
  }

  @Test
  void aStoreBuiltWhileTheDatabaseIsDownFailsEachCallUntilItIsUp() {
    try (TokenStore store =
        TokenStores.jdbc().url("jdbc:postgresql://127.0.0.1:1/none", "postgres", "").build()) {
      assertThatThrownBy(() -> store.findById("aaaaaaaaaa"))
          .isInstanceOf(TokenStoreException.class)
          .hasMessageContaining("SQLState 08");
      assertThatThrownBy(() -> store.changes().publish("settings", "x"))
          .isInstanceOf(TokenStoreException.class);
    }
  }

  @Test
  void aChangeTableThatWentBackwardsInvalidatesEverything() throws Exception {
    String url = TokenStores.h2Url(dir);
    try (TokenStore store =
        TokenStores.jdbc().url(url, "", "").pollInterval(java.time.Duration.ofMillis(50)).build()) {
      List<ChangeFeed.Change> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      store.changes().subscribe(TokenStore.TOKEN_TOPIC, seen::add);
      store.insert(
          TokenStoreContractTest.record(
              "aaaaaaaaaa", "default", TokenStoreContractTest.hashOf("a")));
      TokenStoreContractTest.awaitSize(seen, 1);

      try (Connection connection = DriverManager.getConnection(url, "", "");
          Statement statement = connection.createStatement()) {
        statement.execute("delete from gatehouse_changes"); // e.g. a restored backup
      }

      TokenStoreContractTest.awaitSize(seen, 2);
      assertThat(seen.get(1).isAll()).isTrue();
      assertThat(seen.get(1).key()).isEqualTo(ChangeFeed.ALL);
    }
  }

  @Test
  void aClosedStoreSaysSo() {
    TokenStore store = TokenStores.h2File(dir);
    store.close();
    assertThatThrownBy(() -> store.list("default")).hasMessageContaining("closed");
  }
}
