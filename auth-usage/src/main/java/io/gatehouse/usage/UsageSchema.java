package io.gatehouse.usage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The tables of usage limits, for a store's migrations to create: the credits (H2 and PostgreSQL)
 * and Bucket4j's shared buckets (PostgreSQL only: on H2 the buckets stay local).
 */
public final class UsageSchema {
  /** Credits left per token: one row per token that has spent any. */
  public static final String CREDITS_TABLE = "gatehouse_usage_credits";

  /** Bucket4j's buckets, shared by every instance on PostgreSQL. */
  public static final String BUCKETS_TABLE = "gatehouse_rate_buckets";

  private UsageSchema() {}

  /** Creates the credits table (idempotent). */
  public static void createCreditsTable(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "create table if not exists "
              + CREDITS_TABLE
              + " ("
              + " space varchar(64) not null,"
              + " token_id varchar(64) not null,"
              + " remaining bigint not null check (remaining >= 0),"
              + " granted_at bigint not null,"
              + " refilled_at bigint not null,"
              + " primary key (space, token_id))");
    }
  }

  /** Creates the shared buckets table on PostgreSQL (idempotent); nothing on other databases. */
  public static void createBucketsTable(Connection connection) throws SQLException {
    if (!isPostgres(connection)) {
      return;
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "create table if not exists "
              + BUCKETS_TABLE
              + " (id varchar(512) not null primary key, state bytea, expires_at bigint)");
    }
  }

  static boolean isPostgres(Connection connection) throws SQLException {
    return connection
        .getMetaData()
        .getDatabaseProductName()
        .toLowerCase(Locale.ROOT)
        .contains("postgres");
  }
}
