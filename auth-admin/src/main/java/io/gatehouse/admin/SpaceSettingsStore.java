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
import java.util.List;
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

  private static final Logger LOG = LoggerFactory.getLogger(SpaceSettingsStore.class);
  private static final String ISSUERS = "issuers";
  private static final String ALLOW = "allow";
  private static final String DENY = "deny";
  private static final String PROXIES = "proxies";

  /**
   * Issue 14's throttle and browser rule, one row. Rows are written only when they change, so a
   * space that keeps the defaults never has it (and older gatehouse versions still read it).
   */
  private static final String PROTECTIONS = "protections";

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

  /** The database URL (for the usage limiter's own connections). */
  String url() {
    return url;
  }

  /** The connection properties (user, password, timeouts). */
  Properties properties() {
    return properties;
  }

  /** Opens a connection; throws {@link SQLException} when the database cannot be reached. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, properties);
  }

  /** One step of a migration: SQL, or code where SQL alone cannot say it. */
  @FunctionalInterface
  interface MigrationStep {
    void apply(Connection connection, Clock clock) throws SQLException;
  }

  /**
   * A schema version and the steps that bring the previous version to it. Released migrations are
   * never edited, only followed by new ones; steps are idempotent ({@code if not exists}) because
   * H2 commits DDL at once, so a crash halfway leaves steps that must run again harmlessly.
   */
  record Migration(int version, String description, List<MigrationStep> steps) {
    Migration {
      steps = List.copyOf(steps);
    }
  }

  private static MigrationStep sql(String statement) {
    return (connection, clock) -> {
      try (Statement s = connection.createStatement()) {
        s.execute(statement);
      }
    };
  }

  /** Every migration, in order; version n is at index n - 1. */
  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "space settings",
              List.of(
                  sql(
                      "create table if not exists gatehouse_space_settings ("
                          + " space varchar(64) not null,"
                          + " name varchar(64) not null,"
                          + " setting_value varchar(100000) not null,"
                          + " updated_at bigint not null,"
                          + " primary key (space, name))"))),
          new Migration(
              2,
              "declared spaces: every space with tokens or settings, and dev",
              List.of(
                  sql(
                      "create table if not exists gatehouse_spaces ("
                          + " space varchar(64) not null primary key,"
                          + " created_at bigint not null)"),
                  SpaceSettingsStore::declareExistingSpaces)),
          new Migration(
              3,
              "the audit log: a hash chain, appended only",
              List.of((connection, clock) -> AuditLog.createTables(connection))),
          new Migration(
              4,
              "usage limits per token and per space, and the credits left",
              List.of((connection, clock) -> LimitsStore.createTables(connection))),
          new Migration(
              5,
              "shared rate-limit buckets (PostgreSQL only)",
              List.of(
                  (connection, clock) ->
                      io.gatehouse.usage.UsageSchema.createBucketsTable(connection))));

  /** The schema version this library writes: the last migration's. */
  static final int SCHEMA_VERSION = MIGRATIONS.size();

  /** The space a store declares from the start: {@link ManagedGatehouse#DEFAULT_SPACE}. */
  static final String FIRST_SPACE = "dev";

  /**
   * Brings the schema to {@link #SCHEMA_VERSION}, one migration per transaction, each recorded in
   * {@code gatehouse_space_settings_schema}. Safe when several processes start together: on
   * PostgreSQL an advisory lock serialises them; on H2 a JVM lock, and across processes the version
   * row's primary key (the loser's insert fails, it re-reads and finds the work done).
   *
   * @throws SQLException also when the schema is newer than this library (nothing is written)
   */
  static void createSchema(Connection connection, Clock clock) throws SQLException {
    boolean postgres =
        connection
            .getMetaData()
            .getDatabaseProductName()
            .toLowerCase(java.util.Locale.ROOT)
            .contains("postgres");
    if (postgres) {
      migrate(connection, true, clock);
    } else {
      synchronized (H2_LOCK) {
        migrate(connection, false, clock);
      }
    }
  }

  private static void migrate(Connection connection, boolean postgres, Clock clock)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    try {
      for (int attempt = 0; ; attempt++) {
        try {
          if (!migrateNext(connection, postgres, clock)) {
            return;
          }
        } catch (SQLException e) {
          // Another process applied the same version first (H2: the version row's key).
          if (!"23505".equals(e.getSQLState()) || attempt > MIGRATIONS.size()) {
            throw e;
          }
        }
      }
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** Applies the next migration in its own transaction; false when the schema is current. */
  private static boolean migrateNext(Connection connection, boolean postgres, Clock clock)
      throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      if (postgres) {
        statement.execute("select pg_advisory_xact_lock(" + PG_LOCK + ")");
      }
      statement.execute(
          "create table if not exists gatehouse_space_settings_schema ("
              + " version integer not null primary key, applied_at bigint not null)");
      int version = schemaVersion(statement);
      if (version > SCHEMA_VERSION) {
        throw new SQLException(
            "the space settings table has schema version "
                + version
                + ", newer than this gatehouse knows ("
                + SCHEMA_VERSION
                + "): upgrade gatehouse");
      }
      if (version == SCHEMA_VERSION) {
        connection.commit();
        return false;
      }
      Migration next = MIGRATIONS.get(version);
      // The version row first: a second process migrating H2 at the same time fails here.
      statement.execute(
          "insert into gatehouse_space_settings_schema (version, applied_at) values ("
              + next.version()
              + ", "
              + clock.millis()
              + ")");
      for (MigrationStep step : next.steps()) {
        step.apply(connection, clock);
      }
      connection.commit();
      LOG.info(
          "space settings schema migrated to version {}: {}", next.version(), next.description());
      return true;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  private static int schemaVersion(Statement statement) throws SQLException {
    try (ResultSet rs =
        statement.executeQuery("select max(version) from gatehouse_space_settings_schema")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /**
   * Migration 2: a store written before spaces were declared serves every space it has tokens or
   * settings in, and {@value #FIRST_SPACE}, so no deployment loses a space by upgrading.
   */
  private static void declareExistingSpaces(Connection connection, Clock clock)
      throws SQLException {
    Set<String> spaces = new TreeSet<>();
    spaces.add(FIRST_SPACE);
    try (Statement statement = connection.createStatement()) {
      try (ResultSet rs =
          statement.executeQuery("select distinct space from gatehouse_space_settings")) {
        while (rs.next()) {
          spaces.add(rs.getString(1));
        }
      }
      if (tableExists(connection, "gatehouse_tokens")) {
        try (ResultSet rs = statement.executeQuery("select distinct space from gatehouse_tokens")) {
          while (rs.next()) {
            spaces.add(rs.getString(1));
          }
        }
      }
    }
    for (String space : spaces) {
      insertSpaceIfAbsent(connection, space, clock.millis());
    }
  }

  private static boolean tableExists(Connection connection, String table) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "select count(*) from information_schema.tables where lower(table_name) = ?")) {
      select.setString(1, table);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    }
  }

  private static boolean insertSpaceIfAbsent(Connection connection, String space, long now)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into gatehouse_spaces (space, created_at) select ?, ?"
                + " where not exists (select 1 from gatehouse_spaces where space = ?)")) {
      insert.setString(1, space);
      insert.setLong(2, now);
      insert.setString(3, space);
      return insert.executeUpdate() == 1;
    }
  }

  /** The declared spaces, by name. */
  Set<String> spaces() {
    try (Connection connection = connect()) {
      return spaces(connection);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static Set<String> spaces(Connection connection) throws SQLException {
    Set<String> spaces = new TreeSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select space from gatehouse_spaces")) {
      while (rs.next()) {
        spaces.add(rs.getString(1));
      }
    }
    return spaces;
  }

  /**
   * Declares {@code space} (idempotent) and, when it is new, announces it so every instance serves
   * it within 2 s. Returns true when it was new.
   */
  boolean declare(String space) {
    io.gatehouse.core.Settings.requireValidSpace(space);
    boolean added;
    try (Connection connection = connect()) {
      added = insertSpaceIfAbsent(connection, space, clock.millis());
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return false; // declared by someone else at the same moment
      }
      throw unavailable(e);
    }
    if (added) {
      publish(space);
    }
    return added;
  }

  /**
   * Removes {@code space} when {@code mayRemove} accepts its current settings, in one transaction
   * that also deletes its (empty) settings rows; false when it was not declared.
   */
  boolean undeclare(String space, java.util.function.Consumer<SpaceConfig> mayRemove) {
    boolean removed;
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try {
        SpaceConfig current = read(connection, space, true);
        mayRemove.accept(current);
        try (PreparedStatement delete =
            connection.prepareStatement("delete from gatehouse_space_settings where space = ?")) {
          delete.setString(1, space);
          delete.executeUpdate();
        }
        try (PreparedStatement delete =
            connection.prepareStatement("delete from gatehouse_spaces where space = ?")) {
          delete.setString(1, space);
          removed = delete.executeUpdate() == 1;
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
    if (removed) {
      publish(space);
    }
    return removed;
  }

  private void publish(String space) {
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
  record Snapshot(Map<String, SpaceConfig> configs, Set<String> broken, Set<String> spaces) {
    /** A snapshot of settings alone, every space in them declared (tests, dry runs). */
    Snapshot(Map<String, SpaceConfig> configs, Set<String> broken) {
      this(configs, broken, union(configs.keySet(), broken));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
      Set<String> out = new TreeSet<>(a);
      out.addAll(b);
      return out;
    }
  }

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
      return new Snapshot(out, broken, spaces(connection));
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /**
   * Applies {@code change} to {@code space}'s settings in one transaction (the rows are locked
   * while it runs), then announces it. A change in a space declares it, in the same transaction: a
   * change that throws writes nothing and declares nothing, and no removal of the space can land
   * between its declaration and the change. The change validates; when it throws nothing is
   * written.
   */
  SpaceConfig update(String space, UnaryOperator<SpaceConfig> change) {
    io.gatehouse.core.Settings.requireValidSpace(space);
    try {
      return updateOnce(space, change);
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) {
        throw unavailable(e);
      }
    }
    // Another transaction declared the space first, at the same moment: it is declared now.
    try {
      return updateOnce(space, change);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private SpaceConfig updateOnce(String space, UnaryOperator<SpaceConfig> change)
      throws SQLException {
    SpaceConfig next;
    try (Connection connection = connect()) {
      connection.setAutoCommit(false);
      try {
        if (!lockSpace(connection, space)) {
          insertSpaceIfAbsent(connection, space, clock.millis());
          if (!lockSpace(connection, space)) {
            throw new SQLException("space '" + space + "' could not be declared");
          }
        }
        SpaceConfig current = read(connection, space, true);
        next = change.apply(current);
        write(connection, current, next);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    publish(space);
    return next;
  }

  /**
   * Locks the space's declaration row for the transaction; false when it is not declared. Locking
   * the settings rows alone would not do: a setting stored for the first time has no row yet, so
   * two first writes would both insert it and one would fail on the primary key.
   */
  private static boolean lockSpace(Connection connection, String space) throws SQLException {
    try (PreparedStatement lock =
        connection.prepareStatement(
            "select space from gatehouse_spaces where space = ? for update")) {
      lock.setString(1, space);
      try (ResultSet rs = lock.executeQuery()) {
        return rs.next();
      }
    }
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
        PROXIES, Json.write(config.proxies().toJson()),
        PROTECTIONS,
            Json.write(
                Map.of(
                    "throttle", json.get("throttle"),
                    "browsersAllowed", json.get("browsersAllowed"))));
  }

  /** The fields each stored row may hold; anything else was written by a newer gatehouse. */
  private static final Map<String, Set<String>> ROW_FIELDS =
      Map.of(
          ISSUERS,
          Set.of(ISSUERS),
          ALLOW,
          Set.of(ALLOW),
          DENY,
          Set.of(DENY),
          PROXIES,
          Set.of("cidrs", "hops"),
          PROTECTIONS,
          Set.of("throttle", "browsersAllowed"));

  private static final Set<String> ISSUER_FIELDS =
      Set.of(
          "issuer",
          "jwks",
          "secret",
          "secretBits",
          "secretFingerprint",
          "audiences",
          "anyAudience",
          "algorithms",
          "warning");

  /**
   * Reads the stored rows strictly: an unknown row, field or format marker ({@code "v"}) means a
   * newer gatehouse wrote them, and guessing could drop a rule, so the space is reported broken
   * (its requests are refused until it is fixed or the last good copy is kept).
   */
  private static SpaceConfig decode(String space, Map<String, String> values) {
    Map<String, Object> json = new HashMap<>();
    json.put("space", space);
    for (Map.Entry<String, String> row : values.entrySet()) {
      Set<String> fields = ROW_FIELDS.get(row.getKey());
      if (fields == null) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + io.gatehouse.core.Redact.safe(row.getKey())
                + "' (newer gatehouse?)");
      }
      Map<String, Object> parsed = Json.parse(row.getValue());
      requireKnownFields(row.getKey(), parsed, fields);
      if (row.getKey().equals(PROXIES)) {
        json.put(PROXIES, parsed);
      } else if (row.getKey().equals(PROTECTIONS)) {
        json.putAll(parsed);
      } else {
        json.put(row.getKey(), parsed.get(row.getKey())); // no deny row before denylists: none
      }
      if (row.getKey().equals(ISSUERS)) {
        for (Map<String, Object> issuer : Json.objects(parsed, ISSUERS)) {
          requireKnownFields("issuers", issuer, ISSUER_FIELDS);
        }
      }
    }
    return SpaceConfig.fromJson(json);
  }

  private static void requireKnownFields(String row, Map<String, Object> json, Set<String> known) {
    for (String field : json.keySet()) {
      if (!known.contains(field)) {
        throw new IllegalArgumentException(
            "setting '"
                + row
                + "' has field '"
                + io.gatehouse.core.Redact.safe(field)
                + "', unknown to this gatehouse (written by a newer version?)");
      }
    }
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
