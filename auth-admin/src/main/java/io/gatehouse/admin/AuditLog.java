package io.gatehouse.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The audit log: one {@link AuditEntry} per management operation, in table {@code
 * gatehouse_audit(seq, at, space, actor, action, target, client_address, outcome, detail,
 * prev_hash, hash)}. The library only inserts and selects rows; it never updates or deletes one.
 *
 * <p>Each entry carries the SHA-256 of the previous one, so {@link #verify()} detects a row edited,
 * deleted or moved in the middle. It cannot notice the <em>last</em> rows being deleted: compare
 * the count and last hash with a copy kept elsewhere for that.
 *
 * <p><b>The hash</b>, for an auditor who wants to re-check it with {@code sha256sum}: the lowercase
 * hex SHA-256 of the UTF-8 bytes of
 *
 * <pre>
 * gatehouse-audit-v1\n
 * then for each of seq, at (epoch milliseconds), space, actor, action, target, client_address, outcome,
 * detail, prev_hash, in that order: the value's length in UTF-8 bytes (decimal), ':', the value, '\n'
 * </pre>
 *
 * e.g. {@code printf 'gatehouse-audit-v1\n1:1\n13:1700000000000\n...' | sha256sum}. The first
 * entry's {@code prev_hash} is 64 zeros.
 *
 * <p>Appends from several processes sharing the database stay one chain: each append holds a lock
 * (PostgreSQL: a transaction advisory lock; H2: the lock row of {@code gatehouse_audit_lock},
 * {@code select ... for update}) while it reads the last entry and inserts the next; {@code seq} is
 * the primary key besides, so two appends can never both follow the same entry.
 */
public final class AuditLog {
  /** The operation was done. */
  public static final String OK = "ok";

  /** The caller lacked a permission; nothing changed. */
  public static final String REFUSED = "refused";

  /** The target (a token) was not found; nothing changed. */
  public static final String NOT_FOUND = "not found";

  /** A bad argument or an unreachable store; nothing changed. */
  public static final String FAILED = "failed";

  /** The previous hash of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  private static final String VERSION = "gatehouse-audit-v1";
  private static final long PG_LOCK = 0x6761756469746cL;
  private static final int LONGEST_FIELD = 1000; // the columns hold 2000
  private static final int ATTEMPTS = 5;
  private static final String COLUMNS =
      "seq, at, space, actor, action, target, client_address, outcome, detail, prev_hash, hash";

  /** Opens a connection to the store's database. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private final Clock clock;

  AuditLog(Connector connector, Clock clock) {
    this.connector = connector;
    this.clock = clock;
  }

  /**
   * Creates the audit tables: migration 3 of the store's schema ({@link SpaceSettingsStore}), run
   * once under the schema lock. Idempotent, as every migration step is.
   */
  static void createTables(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "create table if not exists gatehouse_audit ("
              + " seq bigint not null primary key,"
              + " at bigint not null,"
              + " space varchar(64) not null,"
              + " actor varchar(2000) not null,"
              + " action varchar(2000) not null,"
              + " target varchar(2000) not null,"
              + " client_address varchar(2000) not null,"
              + " outcome varchar(2000) not null,"
              + " detail varchar(2000) not null,"
              + " prev_hash varchar(64) not null,"
              + " hash varchar(64) not null)");
      // H2 serialises appends on this row (PostgreSQL on an advisory lock; the row is harmless).
      statement.execute(
          "create table if not exists gatehouse_audit_lock (id integer not null primary key)");
      statement.execute(
          "insert into gatehouse_audit_lock (id)"
              + " select 1 where not exists (select id from gatehouse_audit_lock)");
    }
  }

  /** Every entry at or after {@code since}, in every space, oldest first. */
  public List<AuditEntry> since(Instant since) {
    return read(
        "select " + COLUMNS + " from gatehouse_audit where at >= ? order by seq", since, null);
  }

  /** The entries of {@code space} at or after {@code since}, oldest first. */
  public List<AuditEntry> since(String space, Instant since) {
    return read(
        "select " + COLUMNS + " from gatehouse_audit where at >= ? and space = ? order by seq",
        since,
        space);
  }

  /** Checks the whole chain: the first entry edited, missing or out of order, if any. */
  public Verification verify() {
    return verify(read("select " + COLUMNS + " from gatehouse_audit order by seq", null, null));
  }

  /**
   * Appends one entry after the last one, under the append lock.
   *
   * @throws AdminException of kind {@code UNAVAILABLE} when the store cannot be written
   */
  AuditEntry append(
      String space,
      String actor,
      String action,
      String target,
      String clientAddress,
      String outcome,
      String detail) {
    SQLException last = new SQLException("not attempted");
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try (Connection connection = connector.connect()) {
        return appendLocked(
            connection,
            space,
            clip(actor),
            clip(action),
            clip(target),
            clip(clientAddress),
            clip(outcome),
            clip(detail));
      } catch (SQLException e) {
        last = e; // a lock timeout or a lost race for the next seq: try again after the winner
      }
    }
    throw AdminException.unavailable(
        "cannot write the audit log: " + SpaceSettingsStore.firstLine(last.getMessage()), last);
  }

  private AuditEntry appendLocked(
      Connection connection,
      String space,
      String actor,
      String action,
      String target,
      String clientAddress,
      String outcome,
      String detail)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      lock(connection);
      long seq = 1;
      String prevHash = GENESIS;
      try (Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "select seq, hash from gatehouse_audit order by seq desc limit 1")) {
        if (rs.next()) {
          seq = rs.getLong(1) + 1;
          prevHash = rs.getString(2);
        }
      }
      Instant at = Instant.ofEpochMilli(clock.millis());
      AuditEntry unhashed =
          new AuditEntry(
              seq, at, space, actor, action, target, clientAddress, outcome, detail, prevHash, "");
      AuditEntry entry = unhashed.withHash(hashOf(unhashed));
      insert(connection, entry);
      connection.commit();
      return entry;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  private static void lock(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (isPostgres(connection)) {
        statement.execute("select pg_advisory_xact_lock(" + PG_LOCK + ")");
      } else {
        statement
            .executeQuery("select id from gatehouse_audit_lock where id = 1 for update")
            .close();
      }
    }
  }

  private static void insert(Connection connection, AuditEntry entry) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into gatehouse_audit ("
                + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, entry.seq());
      insert.setLong(2, entry.at().toEpochMilli());
      insert.setString(3, entry.space());
      insert.setString(4, entry.actor());
      insert.setString(5, entry.action());
      insert.setString(6, entry.target());
      insert.setString(7, entry.clientAddress());
      insert.setString(8, entry.outcome());
      insert.setString(9, entry.detail());
      insert.setString(10, entry.prevHash());
      insert.setString(11, entry.hash());
      insert.executeUpdate();
    }
  }

  private List<AuditEntry> read(String sql, @Nullable Instant since, @Nullable String space) {
    try (Connection connection = connector.connect();
        PreparedStatement select = connection.prepareStatement(sql)) {
      if (since != null) {
        select.setLong(1, since.toEpochMilli());
      }
      if (space != null) {
        select.setString(2, space);
      }
      List<AuditEntry> entries = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          entries.add(
              new AuditEntry(
                  rs.getLong(1),
                  Instant.ofEpochMilli(rs.getLong(2)),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11)));
        }
      }
      return entries;
    } catch (SQLException e) {
      throw AdminException.unavailable(
          "cannot read the audit log: " + SpaceSettingsStore.firstLine(e.getMessage()), e);
    }
  }

  /** Checks {@code entries}, in {@code seq} order, as {@link #verify()} does. */
  static Verification verify(List<AuditEntry> entries) {
    Map<String, Long> seqByHash = new HashMap<>();
    for (AuditEntry entry : entries) {
      seqByHash.put(entry.hash(), entry.seq());
    }
    long expectedSeq = 1;
    String expectedPrev = GENESIS;
    for (AuditEntry entry : entries) {
      if (entry.seq() != expectedSeq) {
        return Verification.bad(
            entries.size(),
            expectedSeq,
            Problem.MISSING,
            "entry "
                + expectedSeq
                + " is missing: the entry after "
                + (expectedSeq - 1)
                + " is "
                + entry.seq());
      }
      if (!entry.prevHash().equals(expectedPrev)) {
        Long other = seqByHash.get(entry.prevHash());
        if (other != null) {
          return Verification.bad(
              entries.size(),
              entry.seq(),
              Problem.OUT_OF_ORDER,
              "entry " + entry.seq() + " is out of order: it follows entry " + other);
        }
        return Verification.bad(
            entries.size(),
            expectedSeq - 1,
            Problem.EDITED,
            "entry "
                + (expectedSeq - 1)
                + " was edited or replaced: entry "
                + entry.seq()
                + " recorded a different hash for it");
      }
      if (!entry.hash().equals(hashOf(entry))) {
        return Verification.bad(
            entries.size(),
            entry.seq(),
            Problem.EDITED,
            "entry " + entry.seq() + " was edited: its hash does not match its content");
      }
      expectedSeq++;
      expectedPrev = entry.hash();
    }
    return new Verification(true, entries.size(), null, null, verifiedMessage(entries.size()));
  }

  private static String verifiedMessage(int count) {
    return "audit chain verified: " + count + (count == 1 ? " entry" : " entries");
  }

  /** The hash an entry should carry, from its other fields (its own {@code hash} is ignored). */
  static String hashOf(AuditEntry entry) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha256.digest(canonical(entry).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The canonical encoding the hash is taken over (see the class comment): every field but the hash
   * itself.
   */
  static String canonical(AuditEntry entry) {
    StringBuilder out = new StringBuilder(VERSION).append('\n');
    for (String field :
        List.of(
            Long.toString(entry.seq()),
            Long.toString(entry.at().toEpochMilli()),
            entry.space(),
            entry.actor(),
            entry.action(),
            entry.target(),
            entry.clientAddress(),
            entry.outcome(),
            entry.detail(),
            entry.prevHash())) {
      out.append(field.getBytes(StandardCharsets.UTF_8).length)
          .append(':')
          .append(field)
          .append('\n');
    }
    return out.toString();
  }

  /** Fields are cut to the column size by characters, so the stored value is what was hashed. */
  private static String clip(String value) {
    return value.length() <= LONGEST_FIELD ? value : value.substring(0, LONGEST_FIELD) + "…";
  }

  private static boolean isPostgres(Connection connection) throws SQLException {
    return connection
        .getMetaData()
        .getDatabaseProductName()
        .toLowerCase(Locale.ROOT)
        .contains("postgres");
  }

  /** What can be wrong with an entry. */
  public enum Problem {
    /** Its content (or a replaced predecessor) does not match the recorded hash. */
    EDITED,
    /** A sequence number is skipped: an entry was deleted. */
    MISSING,
    /** It follows another entry than the one before it: rows were reordered. */
    OUT_OF_ORDER
  }

  /**
   * The outcome of {@link AuditLog#verify()}.
   *
   * @param ok true when every entry checks out
   * @param entries how many entries were checked
   * @param badSeq the first bad entry's seq, or null
   * @param problem what is wrong with it, or null
   * @param message {@code audit chain verified: N entries}, or what is wrong and where
   */
  public record Verification(
      boolean ok, long entries, @Nullable Long badSeq, @Nullable Problem problem, String message) {

    static Verification bad(long entries, long seq, Problem problem, String message) {
      return new Verification(false, entries, seq, problem, message);
    }

    public Map<String, Object> toJson() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("ok", ok);
      map.put("entries", entries);
      map.put("badSeq", badSeq);
      map.put("problem", problem == null ? null : problem.name().toLowerCase(Locale.ROOT));
      map.put("message", message);
      return map;
    }

    public static Verification fromJson(Map<String, Object> map) {
      String problem = Json.optString(map, "problem");
      Object bad = map.get("badSeq");
      return new Verification(
          Json.bool(map, "ok"),
          Json.number(map, "entries", 0),
          bad instanceof Number number ? number.longValue() : null,
          problem == null ? null : Problem.valueOf(problem.toUpperCase(Locale.ROOT)),
          Json.string(map, "message"));
    }
  }
}
