package io.gatehouse.admin;

import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.usage.CreditRow;
import io.gatehouse.usage.LimitSource;
import io.gatehouse.usage.UsageLimits;
import io.gatehouse.usage.UsageSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage limits in table {@code gatehouse_usage_limits(space, token_id, rates, uses, refill, set_at,
 * updated_at)}: one row per token with limits, and one per space with a default ({@code token_id}
 * {@value #SPACE_DEFAULT}). {@code set_at} is when the credits were last granted: it moves (always
 * forward) only when {@code uses} or {@code refill} change, so changing a rate keeps the credits
 * left. Every change is published on the change feed as {@code ("limits", space)}.
 */
final class LimitsStore {
  /** The change-feed topic of limits; the key is the space. */
  static final String TOPIC = "limits";

  /** The token id under which a space's default limits are stored (token ids are 10 characters). */
  static final String SPACE_DEFAULT = "*";

  static final String TABLE = "gatehouse_usage_limits";

  private static final Logger LOG = LoggerFactory.getLogger(LimitsStore.class);

  private final SpaceSettingsStore settings;
  private final Clock clock;
  private final ChangeFeed feed;

  LimitsStore(SpaceSettingsStore settings, Clock clock, ChangeFeed feed) {
    this.settings = settings;
    this.clock = clock;
    this.feed = feed;
  }

  /** Migration 4: the limits and the credits. */
  static void createTables(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "create table if not exists "
              + TABLE
              + " ("
              + " space varchar(64) not null,"
              + " token_id varchar(64) not null,"
              + " rates varchar(400),"
              + " uses bigint,"
              + " refill varchar(64),"
              + " set_at bigint not null,"
              + " updated_at bigint not null,"
              + " primary key (space, token_id))");
    }
    UsageSchema.createCreditsTable(connection);
  }

  /** Every row, by space and token id, as the limiter reads them. */
  Map<String, Map<String, LimitSource.Active>> readAll() {
    Map<String, Map<String, LimitSource.Active>> out = new HashMap<>();
    try (Connection connection = settings.connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "select space, token_id, rates, uses, refill, set_at from " + TABLE)) {
      while (rs.next()) {
        String space = rs.getString(1);
        String token = rs.getString(2);
        LimitSource.Active active = readable(rs, space, token);
        if (active != null) {
          out.computeIfAbsent(space, s -> new HashMap<>()).put(token, active);
        }
      }
    } catch (SQLException e) {
      throw SpaceSettingsStore.unavailable(e);
    }
    return out;
  }

  /** The row of {@code tokenId} (or {@value #SPACE_DEFAULT}) in {@code space}. */
  Optional<LimitSource.Active> read(String space, String tokenId) {
    try (Connection connection = settings.connect()) {
      return Optional.ofNullable(read(connection, space, tokenId, false));
    } catch (SQLException e) {
      throw SpaceSettingsStore.unavailable(e);
    }
  }

  /**
   * The credits {@code tokenId} has left under {@code active} (read only: what its next spend would
   * start from), or null when {@code active} grants none.
   */
  @Nullable Long remaining(String space, String tokenId, LimitSource.Active active) {
    if (active.limits().uses() == null) {
      return null;
    }
    try (Connection connection = settings.connect()) {
      return CreditRow.left(CreditRow.read(connection, space, tokenId), active, clock.millis());
    } catch (SQLException e) {
      throw SpaceSettingsStore.unavailable(e);
    }
  }

  /**
   * A token's (or the space default's) limits and the credits it has left (null without credits,
   * and for the default).
   */
  record Listed(LimitSource.Active active, @Nullable Long remaining) {}

  /**
   * Every row of {@code space} with its credits, by key: two queries on one connection, however
   * many tokens have limits.
   */
  Map<String, Listed> readSpace(String space) {
    Map<String, Listed> out = new HashMap<>();
    try (Connection connection = settings.connect();
        PreparedStatement select =
            connection.prepareStatement(
                "select space, token_id, rates, uses, refill, set_at from "
                    + TABLE
                    + " where space = ?")) {
      select.setString(1, space);
      Map<String, CreditRow> credits = CreditRow.readSpace(connection, space);
      long now = clock.millis();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          String token = rs.getString(2);
          LimitSource.Active active = readable(rs, space, token);
          if (active != null) {
            Long left =
                token.equals(SPACE_DEFAULT)
                    ? null
                    : CreditRow.left(credits.get(token), active, now);
            out.put(token, new Listed(active, left));
          }
        }
      }
    } catch (SQLException e) {
      throw SpaceSettingsStore.unavailable(e);
    }
    return out;
  }

  /**
   * Replaces the limits of {@code tokenId} with {@code next} computed from the current ones (none
   * when there is no row), in one transaction; {@link UsageLimits#none()} deletes the row. Returns
   * what is stored now.
   */
  Optional<LimitSource.Active> update(
      String space, String tokenId, java.util.function.UnaryOperator<UsageLimits> change) {
    Optional<LimitSource.Active> stored;
    try (Connection connection = settings.connect()) {
      connection.setAutoCommit(false);
      try {
        LimitSource.Active current = read(connection, space, tokenId, true);
        UsageLimits before = current == null ? UsageLimits.none() : current.limits();
        UsageLimits after = change.apply(before);
        stored = write(connection, space, tokenId, current, after);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw SpaceSettingsStore.unavailable(e);
    }
    feed.publish(TOPIC, space);
    return stored;
  }

  private Optional<LimitSource.Active> write(
      Connection connection,
      String space,
      String tokenId,
      LimitSource.@Nullable Active current,
      UsageLimits after)
      throws SQLException {
    if (after.isNone()) {
      try (PreparedStatement delete =
          connection.prepareStatement(
              "delete from " + TABLE + " where space = ? and token_id = ?")) {
        delete.setString(1, space);
        delete.setString(2, tokenId);
        delete.executeUpdate();
      }
      return Optional.empty();
    }
    long now = clock.millis();
    long setAt = grantTime(current, after, now);
    String rates = after.ratesText();
    String refill = after.refill() == null ? null : after.refill().toString();
    if (current != null) {
      try (PreparedStatement update =
          connection.prepareStatement(
              "update "
                  + TABLE
                  + " set rates = ?, uses = ?, refill = ?, set_at = ?, updated_at = ?"
                  + " where space = ? and token_id = ?")) {
        bind(update, rates, after.uses(), refill, setAt, now);
        update.setString(6, space);
        update.setString(7, tokenId);
        update.executeUpdate();
      }
    } else {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "insert into "
                  + TABLE
                  + " (rates, uses, refill, set_at, updated_at, space, token_id)"
                  + " values (?, ?, ?, ?, ?, ?, ?)")) {
        bind(insert, rates, after.uses(), refill, setAt, now);
        insert.setString(6, space);
        insert.setString(7, tokenId);
        insert.executeUpdate();
      }
    }
    return Optional.of(new LimitSource.Active(after, setAt));
  }

  /**
   * When the credits count from: unchanged when neither uses nor refill changed, else now (and
   * always later than before, so a grant is never mistaken for an older one).
   */
  private static long grantTime(LimitSource.@Nullable Active current, UsageLimits after, long now) {
    if (current == null) {
      return now;
    }
    UsageLimits before = current.limits();
    boolean sameCredits =
        java.util.Objects.equals(before.uses(), after.uses())
            && java.util.Objects.equals(before.refill(), after.refill());
    return sameCredits ? current.setAt() : Math.max(now, current.setAt() + 1);
  }

  private static void bind(
      PreparedStatement statement,
      @Nullable String rates,
      @Nullable Long uses,
      @Nullable String refill,
      long setAt,
      long now)
      throws SQLException {
    statement.setString(1, rates);
    if (uses == null) {
      statement.setNull(2, java.sql.Types.BIGINT);
    } else {
      statement.setLong(2, uses);
    }
    statement.setString(3, refill);
    statement.setLong(4, setAt);
    statement.setLong(5, now);
  }

  private static LimitSource.@Nullable Active read(
      Connection connection, String space, String tokenId, boolean forUpdate) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "select space, token_id, rates, uses, refill, set_at from "
                + TABLE
                + " where space = ? and token_id = ?"
                + (forUpdate ? " for update" : ""))) {
      select.setString(1, space);
      select.setString(2, tokenId);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? active(rs) : null;
      }
    }
  }

  /** The row at {@code rs}, or null (logged) when it cannot be read. */
  private static LimitSource.@Nullable Active readable(ResultSet rs, String space, String token)
      throws SQLException {
    try {
      return active(rs);
    } catch (IllegalArgumentException e) {
      // Edited by hand or by a newer version: the strictest reading is none we can honour.
      LOG.warn(
          "the usage limits of {} in space '{}' cannot be read, ignored: {}",
          token,
          space,
          e.getMessage());
      return null;
    }
  }

  private static LimitSource.Active active(ResultSet rs) throws SQLException {
    String rates = rs.getString(3);
    long uses = rs.getLong(4);
    Long usesOrNull = rs.wasNull() ? null : uses;
    String refill = rs.getString(5);
    UsageLimits limits =
        UsageLimits.parse(rates, usesOrNull == null ? null : Long.toString(usesOrNull), refill);
    return new LimitSource.Active(limits, rs.getLong(6));
  }
}
