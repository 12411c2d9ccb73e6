package io.gatehouse.usage;

import java.sql.SQLException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Where credits are spent: one use at a time, never below zero, exact across instances. */
public interface CreditLedger {

  /**
   * Spends one credit of token {@code tokenId} under {@code limits} (which set {@code uses}),
   * refilling first when a refill is due; blocks on I/O.
   *
   * @throws SQLException when the store cannot be reached (the caller refuses with 503)
   */
  Spend spend(String space, String tokenId, LimitSource.Active limits) throws SQLException;

  /**
   * A spend's outcome.
   *
   * @param spent whether a credit was spent (the request may proceed)
   * @param remaining the credits left after it
   * @param nextRefill time until the next refill, or null when the credits never refill
   */
  record Spend(boolean spent, long remaining, @Nullable Duration nextRefill) {}
}
