package io.gatehouse.admin;

import io.gatehouse.apikey.ChangeFeed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Space settings in the token store's database: table {@code gatehouse_space_settings(space, name,
 * value, updated_at)}, one row per space and setting ({@code issuers}, {@code allow}, {@code deny},
 * {@code proxies}) holding JSON. The SQL is the common subset of H2 and PostgreSQL. Every change is
 * one transaction, then published on the token store's {@link ChangeFeed} as {@code ("settings",
 * space)} so every instance sharing the database reloads.
 */
final class SpaceSettingsStore {
  /** The change-feed topic of space settings; the key is the space. */
  static final String TOPIC = "settings";

  static final int SCHEMA_VERSION = 1;
  private static final Logger LOG = LoggerFactory.getLogger(SpaceSettingsStore.class);
  private static final String ISSUERS = "issuers";
  private static final String ALLOW = "allow";
  private static final String DENY = "deny";
  private static final String PROXIES = "proxies";
  private static final long PG_LOCK = 0x67617465736574L;
  private static final Object H2_LOCK = new Object();

  private final String url;
  private final Properties properties;
  private final Clock clock;
  private final ChangeFeed feed;

  SpaceSettingsStore(String url, Properties properties, Clock clock, ChangeFeed feed) {
    this.url = url;
    this.properties = properties;
    this.clock = clock;
    this.feed = feed;
  }

  /** Opens a connection; throws {@link SQLException} when the database cannot be reached. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, properties);
  }

  /** Creates the tables when missing (idempotent, safe when several processes start together). */
  static void createSchema(Connection connection, Clock clock) throws SQLException {
    boolean postgres =
        connection
            .getMetaData()
            .getDatabaseProductName()
            .toLowerCase(java.util.Locale.ROOT)
            .contains("postgres");
    if (postgres) {
      createSchemaLocked(connection, true, clock);
    } else {
      synchronized (H2_LOCK) {
        createSchemaLocked(connection, false, clock);
      }
    }
  }

  private static void createSchemaLocked(Connection connection, boolean postgres, Clock clock)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      if (postgres) {
        statement.execute("select pg_advisory_xact_lock(" + PG_LOCK + ")");
      }
      statement.execute(
          "create table if not exists gatehouse_space_settings_schema ("
              + " version integer not null primary key, applied_at bigint not null)");
      statement.execute(
          "create table if not exists gatehouse_space_settings ("
              + " space varchar(64) not null,"
              + " name varchar(64) not null,"
              + " setting_value varchar(100000) not null,"
              + " updated_at bigint not null,"
              + " primary key (space, name))");
      int version = 0;
      try (ResultSet rs =
          statement.executeQuery("select max(version) from gatehouse_space_settings_schema")) {
        if (rs.next()) {
          version = rs.getInt(1);
        }
      }
      if (version > SCHEMA_VERSION) {
        throw new SQLException(
            "the space settings table has schema version "
                + version
                + ", newer than this gatehouse knows ("
                + SCHEMA_VERSION
                + "): upgrade gatehouse");
      }
      if (version < SCHEMA_VERSION) {
        statement.execute(
            "insert into gatehouse_space_settings_schema (version, applied_at) values ("
                + SCHEMA_VERSION
                + ", "
                + clock.millis()
                + ")");
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** The settings of {@code space} (empty when none were stored). */
  SpaceConfig read(String space) {
    try (Connection connection = connect()) {
      return read(connection, space, false);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /**
   * Every space's settings, and the spaces whose stored rows cannot be decoded (edited by hand, or
   * written by a newer gatehouse).
   */
  record Snapshot(Map<String, SpaceConfig> configs, Set<String> broken) {}

  /** Every space that has settings. */
  Snapshot readAll() {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "select space, name, setting_value from gatehouse_space_settings")) {
      Map<String, Map<String, String>> rows = new TreeMap<>();
      while (rs.next()) {
        rows.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
            .put(rs.getString(2), rs.getString(3));
      }
      Map<String, SpaceConfig> out = new TreeMap<>();
      Set<String> broken = new TreeSet<>();
      rows.forEach(
          (space, values) -> {
            try {
              out.put(space, decode(space, values));
            } catch (IllegalArgumentException e) {
              LOG.warn("settings of space '{}' cannot be read: {}", space, e.getMessage());
              broken.add(space);
            }
          });
      return new Snapshot(out, broken);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /**
   * Applies {@code change} to {@code space}'s settings in one transaction (the rows are locked
   * while it runs), then announces it. The change validates; when it throws nothing is written.
   */
  SpaceConfig update(String space, UnaryOperator<SpaceConfig> change) {
    SpaceConfig next;
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try {
        SpaceConfig current = read(connection, space, true);
        next = change.apply(current);
        write(connection, current, next);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
    try {
      feed.publish(TOPIC, space);
    } catch (RuntimeException e) {
      throw new AdminException(
          AdminException.Kind.UNAVAILABLE,
          "saved, but running servers could not be notified ("
              + e.getMessage()
              + "); they reload within "
              + SettingsSync.BACKSTOP.toSeconds()
              + " s",
          e);
    }
    return next;
  }

  private SpaceConfig read(Connection connection, String space, boolean forUpdate)
      throws SQLException {
    Map<String, String> values = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "select name, setting_value from gatehouse_space_settings where space = ?"
                + (forUpdate ? " for update" : ""))) {
      select.setString(1, space);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          values.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return decode(space, values);
  }

  private void write(Connection connection, SpaceConfig before, SpaceConfig after)
      throws SQLException {
    Map<String, String> old = encode(before);
    Map<String, String> now = encode(after);
    for (Map.Entry<String, String> entry : now.entrySet()) {
      String name = entry.getKey();
      if (entry.getValue().equals(old.get(name))) {
        continue;
      }
      try (PreparedStatement update =
          connection.prepareStatement(
              "update gatehouse_space_settings set setting_value = ?, updated_at = ?"
                  + " where space = ? and name = ?")) {
        update.setString(1, entry.getValue());
        update.setLong(2, clock.millis());
        update.setString(3, after.space());
        update.setString(4, name);
        if (update.executeUpdate() == 1) {
          continue;
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "insert into gatehouse_space_settings (space, name, setting_value, updated_at)"
                  + " values (?, ?, ?, ?)")) {
        insert.setString(1, after.space());
        insert.setString(2, name);
        insert.setString(3, entry.getValue());
        insert.setLong(4, clock.millis());
        insert.executeUpdate();
      }
    }
  }

  private static Map<String, String> encode(SpaceConfig config) {
    Map<String, Object> json = config.toJson(true);
    return Map.of(
        ISSUERS, Json.write(Map.of(ISSUERS, json.get(ISSUERS))),
        ALLOW, Json.write(Map.of(ALLOW, json.get(ALLOW))),
        DENY, Json.write(Map.of(DENY, json.get(DENY))),
        PROXIES, Json.write(config.proxies().toJson()));
  }

  private static SpaceConfig decode(String space, Map<String, String> values) {
    Map<String, Object> json = new HashMap<>();
    json.put("space", space);
    String issuers = values.get(ISSUERS);
    if (issuers != null) {
      json.put(ISSUERS, Json.parse(issuers).get(ISSUERS));
    }
    String allow = values.get(ALLOW);
    if (allow != null) {
      json.put(ALLOW, Json.parse(allow).get(ALLOW));
    }
    String deny = values.get(DENY); // no row in a store written before denylists: none
    if (deny != null) {
      json.put(DENY, Json.parse(deny).get(DENY));
    }
    String proxies = values.get(PROXIES);
    if (proxies != null) {
      json.put(PROXIES, Json.parse(proxies));
    }
    return SpaceConfig.fromJson(json);
  }

  static AdminException unavailable(SQLException e) {
    return AdminException.unavailable("store unreachable: " + firstLine(e.getMessage()), e);
  }

  static String firstLine(@org.jspecify.annotations.Nullable String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
