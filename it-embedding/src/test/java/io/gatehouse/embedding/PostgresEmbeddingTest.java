package io.gatehouse.embedding;

import java.nio.file.Path;

/** The embedding promise on PostgreSQL: changes pushed with LISTEN/NOTIFY. */
class PostgresEmbeddingTest extends EmbeddingContract {
  private EmbeddedPostgresStore postgres;

  @Override
  Store openStore(Path dir) throws Exception {
    postgres = new EmbeddedPostgresStore(dir.resolve("pgdata"));
    return new Store(
        "postgresql", postgres.url(), EmbeddedPostgresStore.USER, EmbeddedPostgresStore.PASSWORD);
  }

  @Override
  void closeStore() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }
}
