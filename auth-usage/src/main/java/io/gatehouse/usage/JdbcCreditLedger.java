package io.gatehouse.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Credits in {@value UsageSchema#CREDITS_TABLE}, spent with one conditional update ({@code
 * remaining > 0}, or a refill due) so that any number of instances together spend exactly what was
 * granted, and never below zero (the table's check constraint says so too). The row of a token is
 * created at its first spend, and granted anew when its limits change ({@code granted_at}, the time
 * the limits were set, only moves forward).
 */
final class JdbcCreditLedger implements CreditLedger {
  /** A period no refill reaches: the refill branch of the update never applies. */
  private static final long NEVER_MS = 1_000_000_000_000_000L;

  private static final int ATTEMPTS = 4;

  /**
   * Spends one credit, refilling first when due: remaining credits go to the refill amount less one
   * and refilled_at moves by whole periods; only a row granted under these limits (or later) with a
   * credit left, or a refill due, is touched.
   */
  private static final String DECREMENT =
      "update "
          + UsageSchema.CREDITS_TABLE
          + " set remaining = case when refilled_at + ? <= ? then ? - 1 else remaining - 1 end,"
          + " refilled_at = case when refilled_at + ? <= ?"
          + " then refilled_at + ((? - refilled_at) / ?) * ? else refilled_at end"
          + " where space = ? and token_id = ? and granted_at >= ?"
          + " and (remaining > 0 or (refilled_at + ? <= ? and ? > 0))";

  /** {@link #DECREMENT} returning the row after it, on PostgreSQL. */
  private static final String DECREMENT_POSTGRES = DECREMENT + " returning remaining, refilled_at";

  /** {@link #DECREMENT} returning the row after it, on H2. */
  private static final String DECREMENT_H2 =
      "select remaining, refilled_at from final table (" + DECREMENT + ")";

  private static final String INSERT =
      "insert into "
          + UsageSchema.CREDITS_TABLE
          + " (space, token_id, remaining, granted_at, refilled_at) values (?, ?, ?, ?, ?)";

  private static final String REGRANT =
      "update "
          + UsageSchema.CREDITS_TABLE
          + " set remaining = ?, granted_at = ?, refilled_at = ?"
          + " where space = ? and token_id = ? and granted_at < ?";

  private final DataSource dataSource;
  private final Clock clock;
  private volatile @Nullable Boolean postgres;

  JdbcCreditLedger(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public Spend spend(String space, String tokenId, LimitSource.Active active) throws SQLException {
    UsageLimits limits = active.limits();
    long uses = limits.uses() == null ? 0 : limits.uses();
    Refill refill = limits.refill();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        long now = clock.millis();
        long[] after = decrement(connection, space, tokenId, active.setAt(), refill, now);
        if (after != null) {
          return new Spend(true, after[0], nextRefill(refill, after[1], now));
        }
        CreditRow row = CreditRow.read(connection, space, tokenId);
        if (row == null) {
          insert(connection, space, tokenId, uses, active.setAt());
        } else if (row.grantedAt() < active.setAt()) {
          regrant(connection, space, tokenId, uses, active.setAt());
        } else if (refill == null || !row.refillDue(refill, now)) {
          return new Spend(false, 0, nextRefill(refill, row.refilledAt(), now));
        }
        // A row was created or granted anew, or a refill came due meanwhile: try again.
      }
      throw new SQLException("the credits of a token kept changing; gave up after " + ATTEMPTS);
    }
  }

  private static @Nullable Duration nextRefill(@Nullable Refill refill, long refilledAt, long now) {
    if (refill == null) {
      return null;
    }
    return Duration.ofMillis(Math.max(0, refilledAt + refill.period().toMillis() - now));
  }

  /**
   * Spends one credit, refilling first when due, in one statement; the remaining credits and the
   * last refill after it, or null when nothing was spent (no row, granted under other limits, or
   * none left).
   */
  private long @Nullable [] decrement(
      Connection connection,
      String space,
      String tokenId,
      long setAt,
      @Nullable Refill refill,
      long now)
      throws SQLException {
    long period = refill == null ? NEVER_MS : refill.period().toMillis();
    long amount = refill == null ? 0 : refill.amount();
    String sql = isPostgres(connection) ? DECREMENT_POSTGRES : DECREMENT_H2;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int i = 1;
      statement.setLong(i++, period);
      statement.setLong(i++, now);
      statement.setLong(i++, amount);
      statement.setLong(i++, period);
      statement.setLong(i++, now);
      statement.setLong(i++, now);
      statement.setLong(i++, period);
      statement.setLong(i++, period);
      statement.setString(i++, space);
      statement.setString(i++, tokenId);
      statement.setLong(i++, setAt);
      statement.setLong(i++, period);
      statement.setLong(i++, now);
      statement.setLong(i, amount);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
      }
    }
  }

  /** The first row of a token; another instance inserting it first is fine. */
  private static void insert(
      Connection connection, String space, String tokenId, long uses, long setAt)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, space);
      insert.setString(2, tokenId);
      insert.setLong(3, uses);
      insert.setLong(4, setAt);
      insert.setLong(5, setAt);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  /**
   * Newer limits: the credits start again from {@code uses}, once. Only ever forward: an instance
   * whose cache still holds the older limits spends from the newer grant instead of undoing it.
   */
  private static void regrant(
      Connection connection, String space, String tokenId, long uses, long setAt)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(REGRANT)) {
      update.setLong(1, uses);
      update.setLong(2, setAt);
      update.setLong(3, setAt);
      update.setString(4, space);
      update.setString(5, tokenId);
      update.setLong(6, setAt);
      update.executeUpdate();
    }
  }

  private boolean isPostgres(Connection connection) throws SQLException {
    Boolean known = postgres;
    if (known == null) {
      known = UsageSchema.isPostgres(connection);
      postgres = known;
    }
    return known;
  }
}
