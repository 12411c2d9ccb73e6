package io.gatehouse.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A token's row in {@value UsageSchema#CREDITS_TABLE}, read without spending: what the limiter's
 * ledger decides from, and what an operator is shown.
 *
 * @param remaining the credits left at the last spend
 * @param grantedAt when the limits they were granted under were set (epoch milliseconds)
 * @param refilledAt when they were last refilled (epoch milliseconds)
 */
public record CreditRow(long remaining, long grantedAt, long refilledAt) {
  private static final String COLUMNS = "remaining, granted_at, refilled_at";
  private static final String SELECT_ONE =
      "select "
          + COLUMNS
          + " from "
          + UsageSchema.CREDITS_TABLE
          + " where space = ? and token_id = ?";
  private static final String SELECT_SPACE =
      "select token_id, " + COLUMNS + " from " + UsageSchema.CREDITS_TABLE + " where space = ?";

  /** The row of {@code tokenId} in {@code space}, or null when it has spent nothing yet. */
  public static @Nullable CreditRow read(Connection connection, String space, String tokenId)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
      select.setString(1, space);
      select.setString(2, tokenId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? new CreditRow(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : null;
      }
    }
  }

  /** Every row of {@code space}, by token id, in one query. */
  public static Map<String, CreditRow> readSpace(Connection connection, String space)
      throws SQLException {
    Map<String, CreditRow> out = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_SPACE)) {
      select.setString(1, space);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new CreditRow(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
        }
      }
    }
    return out;
  }

  /**
   * The credits a token with {@code row} (null: none yet) has under {@code active}, as its next
   * spend at {@code nowMillis} would start from them; null when {@code active} grants none.
   */
  public static @Nullable Long left(
      @Nullable CreditRow row, LimitSource.Active active, long nowMillis) {
    Long uses = active.limits().uses();
    if (uses == null) {
      return null;
    }
    if (row == null || row.grantedAt < active.setAt()) {
      return uses; // nothing spent under these limits yet
    }
    Refill refill = active.limits().refill();
    return refill != null && row.refillDue(refill, nowMillis) ? refill.amount() : row.remaining;
  }

  /** Whether {@code refill} has come due since the last one. */
  boolean refillDue(Refill refill, long nowMillis) {
    return refilledAt + refill.period().toMillis() <= nowMillis;
  }
}
