package io.gatehouse.apikey;

import io.gatehouse.core.Access;
import io.gatehouse.core.Health;
import io.gatehouse.core.HealthCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token records in a SQL database: an embedded H2 file for one instance, or PostgreSQL for several.
 * The schema is created and migrated on first contact ({@link JdbcSchema}). Writes insert a row in
 * {@code gatehouse_changes} in the same transaction (and NOTIFY on PostgreSQL); every instance
 * polls that table for rows it has not seen, so a change reaches all of them within the poll
 * interval even if a notification is lost.
 */
final class JdbcTokenStore implements TokenStore {
  static final Logger LOG = LoggerFactory.getLogger(JdbcTokenStore.class);
  private static final String COLUMNS =
      "id, space, kind, token_hash, previous_hash, previous_valid_until, masked_prefix, access,"
          + " name, owner, permissions, created_at, expires_at, last_used_at, revoked_at, imported,"
          + " origins";

  /** The columns a replace writes and compares (all but id, last_used_at and revoked_at). */
  private static final List<String> MUTABLE =
      List.of(
          "space",
          "kind",
          "token_hash",
          "previous_hash",
          "previous_valid_until",
          "masked_prefix",
          "access",
          "name",
          "owner",
          "permissions",
          "created_at",
          "expires_at",
          "imported",
          "origins");

  private static final String MUTABLE_COLUMNS = String.join(" = ?, ", MUTABLE) + " = ?";

  /**
   * Null-safe equality on every mutable column ({@code is not distinct from}: H2 and PostgreSQL).
   */
  private static final String MUTABLE_MATCH =
      String.join(" is not distinct from ? and ", MUTABLE) + " is not distinct from ?";

  private static final String UNIQUE_VIOLATION = "23505";
  private static final Duration CHANGE_RETENTION = Duration.ofHours(1);

  /** The longest wait before the notification connection is re-established. */
  private static final Duration LISTEN_RETRY = Duration.ofSeconds(1);

  /**
   * How long a skipped change number is waited for: far longer than a write transaction of this
   * store takes (a few statements, each under the query timeout), short enough that a change lost
   * in it is resynced soon.
   */
  static final Duration GAP_TIMEOUT = Duration.ofSeconds(30);

  private static final long GAP_TIMEOUT_MILLIS = GAP_TIMEOUT.toMillis();

  /** More missing numbers than this are not tracked one by one: a full resync is cheaper. */
  private static final int MAX_GAPS = 1000;

  /** The health probe's timeout: a readiness probe must answer within a second or two. */
  private static final int PROBE_TIMEOUT_SECONDS = 1;

  /** Separates a notification's {@code topic:key} from its commit time in milliseconds. */
  static final char ARRIVAL_TIME_SEPARATOR = '\t';

  private final List<Consumer<ChangeFeed.Arrival>> arrivalObservers = new CopyOnWriteArrayList<>();
  private final ArrivalsOnce arrivalsOnce = new ArrivalsOnce();
  private final ConnectionSource source;
  private final Clock clock;
  private final int queryTimeoutSeconds;
  private final Duration pollInterval;
  private final Feed feed = new Feed();
  private final ScheduledExecutorService poller;
  private final Object readyLock = new Object();
  private volatile boolean ready;
  private volatile boolean postgres;
  private @Nullable PgChangeListener pgListener;
  private volatile boolean closed;

  /** The newest change row seen; -1 until the first contact with the database. */
  private final AtomicLong lastSeq = new AtomicLong(-1);

  /** Change numbers below {@link #lastSeq} not read yet, with when they were noticed. */
  private final NavigableMap<Long, Long> gaps = new TreeMap<>(); // guarded by this (poll)

  /**
   * What the current poll will deliver, in order, once its connection is back in the pool: a
   * subscriber may read the store from its callback, and with a small pool that read would wait for
   * the very connection the poll holds. Guarded by this (poll).
   */
  private final List<Runnable> pendingDeliveries = new ArrayList<>();

  private long lastPrune; // guarded by this (poll)

  /** True while polls fail: written by the poll, read by health too. */
  private volatile boolean pollFailing;

  /** When the change table was last polled successfully (clock millis); -1 before the first. */
  private volatile long lastPollOk = -1;

  JdbcTokenStore(
      ConnectionSource source, Clock clock, Duration pollInterval, Duration queryTimeout) {
    this.source = source;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gatehouse-token-changes");
              thread.setDaemon(true);
              return thread;
            });
    try {
      withConnection(connection -> true); // create the schema now if the database is up
    } catch (TokenStoreException e) {
      LOG.warn("token database unreachable at start; will retry on first use", e);
    }
    var unused =
        poller.scheduleWithFixedDelay(
            this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---- reads ----

  @Override
  public Optional<TokenRecord> findById(String id) {
    return withConnection(
        connection -> {
          try (PreparedStatement select =
              prepare(connection, "select " + COLUMNS + " from gatehouse_tokens where id = ?")) {
            select.setString(1, id);
            return first(select);
          }
        });
  }

  @Override
  public Optional<TokenRecord> findByHash(TokenHash hash) {
    String hex = hash.hex();
    return withConnection(
        connection -> {
          try (PreparedStatement select =
              prepare(
                  connection,
                  "select "
                      + COLUMNS
                      + " from gatehouse_tokens where token_hash = ? or previous_hash = ?")) {
            select.setString(1, hex);
            select.setString(2, hex);
            return first(select);
          }
        });
  }

  @Override
  public List<TokenRecord> list(String space) {
    return withConnection(
        connection -> {
          try (PreparedStatement select =
              prepare(
                  connection,
                  "select "
                      + COLUMNS
                      + " from gatehouse_tokens where space = ? order by created_at, id")) {
            select.setString(1, space);
            List<TokenRecord> out = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                out.add(read(rs));
              }
            }
            return out;
          }
        });
  }

  // ---- writes ----

  @Override
  public boolean insert(TokenRecord record) {
    return inTransaction(
        connection -> {
          try (PreparedStatement insert =
              prepare(
                  connection,
                  "insert into gatehouse_tokens ("
                      + COLUMNS
                      + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(insert, record);
            insert.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              return false;
            }
            throw e;
          }
          publish(connection, TOKEN_TOPIC, record.id());
          return true;
        });
  }

  /**
   * One conditional UPDATE: the WHERE clause is the record the caller read (every column but
   * last-used) and "not revoked", so a concurrent revocation or rotation makes it match no row
   * instead of being overwritten. PostgreSQL re-checks the WHERE clause against a row another
   * transaction changed meanwhile, so this holds under READ COMMITTED too. No version column is
   * needed: the columns themselves are the version, and last-used, which changes on its own, is
   * neither compared nor written.
   */
  @Override
  public boolean replace(TokenRecord expected, TokenRecord replacement) {
    TokenRecord.requireReplaceable(expected, replacement);
    return inTransaction(
        connection -> {
          try (PreparedStatement update =
              prepare(
                  connection,
                  "update gatehouse_tokens set "
                      + MUTABLE_COLUMNS
                      + " where id = ? and revoked_at is null and "
                      + MUTABLE_MATCH)) {
            int i = bindMutable(update, 1, replacement);
            update.setString(i++, expected.id());
            bindMutable(update, i, expected);
            if (update.executeUpdate() == 0) {
              return false;
            }
          }
          publish(connection, TOKEN_TOPIC, replacement.id());
          return true;
        });
  }

  /** Only revoked_at, and only while it is null: nothing another writer did is undone. */
  @Override
  public boolean revoke(String id, Instant at) {
    return inTransaction(
        connection -> {
          try (PreparedStatement update =
              prepare(
                  connection,
                  "update gatehouse_tokens set revoked_at = ? where id = ? and revoked_at is null")) {
            update.setLong(1, at.toEpochMilli());
            update.setString(2, id);
            if (update.executeUpdate() == 0) {
              return false;
            }
          }
          // The revocation first: a listener still finds the token's cache entries to learn from.
          publish(connection, REVOCATION_TOPIC, id);
          publish(connection, TOKEN_TOPIC, id);
          return true;
        });
  }

  @Override
  public void recordLastUsed(Map<String, Instant> lastUsed) {
    if (lastUsed.isEmpty()) {
      return;
    }
    var unused =
        inTransaction(
            connection -> {
              try (PreparedStatement update =
                  prepare(
                      connection,
                      "update gatehouse_tokens set last_used_at = ? where id = ?"
                          + " and (last_used_at is null or last_used_at < ?)")) {
                for (Map.Entry<String, Instant> entry : lastUsed.entrySet()) {
                  long at = entry.getValue().toEpochMilli();
                  update.setLong(1, at);
                  update.setString(2, entry.getKey());
                  update.setLong(3, at);
                  update.addBatch();
                }
                update.executeBatch();
              }
              return true;
            });
  }

  @Override
  public ChangeFeed changes() {
    return feed;
  }

  @Override
  public void close() {
    closed = true;
    // No interrupts: H2 closes its file when a thread doing I/O is interrupted.
    poller.shutdown();
    try {
      if (!poller.awaitTermination(queryTimeoutSeconds, TimeUnit.SECONDS)) {
        LOG.warn("change poller did not stop within {} s", queryTimeoutSeconds);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    PgChangeListener listener;
    synchronized (readyLock) {
      listener = pgListener;
    }
    if (listener != null) {
      listener.close();
    }
    source.close();
  }

  // ---- health ----

  @Override
  public HealthCheck healthCheck() {
    return () -> List.of(storeHealth(), feedHealth());
  }

  /**
   * A probe on a connection ({@link Connection#isValid}, {@value #PROBE_TIMEOUT_SECONDS} s): DOWN
   * when the database cannot be reached. A stale pooled connection is retried on a fresh one, as
   * every query is, so a restarted database is UP again at the first probe.
   */
  private Health.Component storeHealth() {
    Map<String, String> details = new LinkedHashMap<>();
    if (ready) {
      details.put("database", postgres ? "postgresql" : "h2");
    }
    try {
      withConnection(
          connection -> {
            if (!connection.isValid(PROBE_TIMEOUT_SECONDS)) {
              throw new SQLException("connection not valid", "08006");
            }
            return true;
          });
      return new Health.Component(HEALTH_COMPONENT, Health.Status.UP, true, details);
    } catch (TokenStoreException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      details.put("error", cause.getClass().getSimpleName());
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        details.put("sqlState", sql.getSQLState());
      }
      return new Health.Component(HEALTH_COMPONENT, Health.Status.DOWN, true, details);
    }
  }

  /**
   * The change feed: DOWN while polls of the change table fail (a revocation made elsewhere would
   * not arrive), DEGRADED before the first poll and, on PostgreSQL, while the LISTEN connection is
   * down (changes arrive only at the next poll), UP otherwise. Details: the mode, whether LISTEN is
   * up, and how long ago the last successful poll was.
   */
  private Health.Component feedHealth() {
    Map<String, String> details = new LinkedHashMap<>();
    PgChangeListener listener;
    synchronized (readyLock) {
      listener = pgListener;
    }
    boolean pushing = listener != null && listener.listening();
    details.put("mode", postgres ? "listen+poll" : "poll");
    if (postgres) {
      details.put("listen", pushing ? "up" : "down");
    }
    long lastOk = lastPollOk;
    if (lastOk >= 0) {
      details.put("lastPoll", Instant.ofEpochMilli(lastOk).toString());
      details.put("pollLagMillis", Long.toString(Math.max(0, clock.millis() - lastOk)));
    }
    Health.Status status;
    if (pollFailing || closed) {
      status = Health.Status.DOWN;
    } else if (lastOk < 0 || (postgres && !pushing)) {
      status = Health.Status.DEGRADED;
    } else {
      status = Health.Status.UP;
    }
    return new Health.Component(FEED_HEALTH_COMPONENT, status, true, details);
  }

  // ---- change feed ----

  private void publish(Connection connection, String topic, String key) throws SQLException {
    // One time for the row and the notification: an arrival by both is known as one change.
    long committedAt = clock.millis();
    try (PreparedStatement insert =
        prepare(connection, "insert into gatehouse_changes (topic, item, at) values (?, ?, ?)")) {
      insert.setString(1, topic);
      insert.setString(2, key);
      insert.setLong(3, committedAt);
      insert.executeUpdate();
    }
    if (postgres) {
      try (PreparedStatement notify = prepare(connection, "select pg_notify(?, ?)")) {
        notify.setString(1, JdbcSchema.CHANNEL);
        // The commit time rides after a tab (no topic or key holds one), for the lag metric.
        notify.setString(2, topic + ":" + key + ARRIVAL_TIME_SEPARATOR + committedAt);
        notify.execute();
      }
    }
  }

  /**
   * The notification connection was re-established: whatever was notified while it was down is
   * lost, so subscribers drop everything at once (a full resync), and a poll soon delivers the rows
   * written meanwhile.
   */
  private void onListenerReconnected() {
    if (closed) {
      return;
    }
    LOG.info("change notifications re-established: every subscriber resyncs in full");
    feed.deliverAll();
    requestPoll();
  }

  /** Asks for a poll soon. */
  private void requestPoll() {
    if (!closed) {
      try {
        poller.execute(this::poll);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /**
   * One poll of the change table: collect what is new, prune what is old, give the connection back,
   * then deliver. Every change marked as seen is delivered, even when the poll failed after reading
   * it (at least once); deliveries stay in order, since polls run one at a time.
   */
  synchronized void poll() {
    if (closed) {
      return;
    }
    try {
      withConnection(
          connection -> {
            pollChanges(connection);
            return true;
          });
      lastPollOk = clock.millis();
      if (pollFailing) {
        LOG.info("token database reachable again; change polling resumed");
        pollFailing = false;
      }
    } catch (RuntimeException e) {
      if (!pollFailing) {
        LOG.warn("token database unreachable; cached tokens keep working until it returns", e);
        pollFailing = true;
      }
    } finally {
      deliverPending();
    }
  }

  /** Delivers what the poll collected; its connection is back in the pool. Guarded by this. */
  private void deliverPending() {
    List<Runnable> deliveries = List.copyOf(pendingDeliveries);
    pendingDeliveries.clear();
    for (Runnable delivery : deliveries) {
      delivery.run();
    }
  }

  /**
   * Reads the change rows not delivered yet. Sequence numbers are handed out at insert, not at
   * commit, so a row may become visible after a higher one was read: reading {@code seq > last}
   * alone would skip it for good. So every number skipped between two rows read is tracked as a gap
   * and re-read on the next polls until its row appears; a gap that does not fill within {@link
   * #GAP_TIMEOUT} (a rolled-back write, or numbers a database skipped) is given up with a full
   * resync ({@link ChangeFeed#ALL} on every topic), since a change may hide there.
   *
   * <p>Why gaps rather than PostgreSQL's {@code pg_current_xact_id()} and {@code pg_snapshot_xmin}:
   * those need PostgreSQL 13 or newer and a PostgreSQL-only column, while this works the same on H2
   * and on every PostgreSQL, and costs nothing while no write is in flight.
   */
  private void pollChanges(Connection connection) throws SQLException {
    long maxSeq = maxSeq(connection);
    long seen = lastSeq.get();
    long now = clock.millis();
    if (maxSeq < seen) {
      // The change table went backwards (database restored or recreated): any change may have
      // been missed.
      gaps.clear();
      pendingDeliveries.add(feed::deliverAll);
      lastSeq.set(maxSeq);
    } else if (maxSeq > seen || !gaps.isEmpty()) {
      long from = gaps.isEmpty() ? seen : Math.min(seen, gaps.firstKey() - 1);
      try (PreparedStatement select =
          prepare(
              connection,
              "select seq, topic, item, at from gatehouse_changes where seq > ? order by seq")) {
        select.setLong(1, from);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            long seq = rs.getLong(1);
            if (isNews(seq, now)) {
              ChangeFeed.Change change = new ChangeFeed.Change(rs.getString(2), rs.getString(3));
              long committedAt = rs.getLong(4);
              pendingDeliveries.add(
                  () -> {
                    arrived(change, false, committedAt);
                    feed.deliver(change);
                  });
            }
          }
        }
      }
    }
    giveUpOldGaps(now);
    if (now - lastPrune > CHANGE_RETENTION.toMillis() / 4) {
      lastPrune = now;
      try (PreparedStatement prune =
          prepare(connection, "delete from gatehouse_changes where at < ? and seq < ?")) {
        prune.setLong(1, now - CHANGE_RETENTION.toMillis());
        prune.setLong(2, lastSeq.get()); // keep the newest row: max(seq) must never go backwards
        prune.executeUpdate();
      }
    }
  }

  /**
   * True when row {@code seq} was not delivered yet: it fills a gap or is beyond the last one seen
   * (then the numbers it skips become gaps). Guarded by this (poll).
   */
  private boolean isNews(long seq, long now) {
    long last = lastSeq.get();
    if (seq <= last) {
      return gaps.remove(seq) != null;
    }
    if (seq - last - 1 > MAX_GAPS - gaps.size()) {
      giveUp(seq - last - 1 + gaps.size() + " missing change numbers");
    } else {
      for (long missing = last + 1; missing < seq; missing++) {
        gaps.put(missing, now);
      }
    }
    lastSeq.set(seq);
    return true;
  }

  private void giveUpOldGaps(long now) {
    if (!gaps.isEmpty() && gaps.values().stream().anyMatch(at -> now - at >= GAP_TIMEOUT_MILLIS)) {
      giveUp(gaps.size() + " change numbers still missing after " + GAP_TIMEOUT);
    }
  }

  /** Forgets every gap and tells subscribers that anything may have changed. */
  private void giveUp(String why) {
    LOG.info("{}: every subscriber resyncs in full", why);
    gaps.clear();
    pendingDeliveries.add(feed::deliverAll);
  }

  private long maxSeq(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(queryTimeoutSeconds);
      try (ResultSet rs = statement.executeQuery("select max(seq) from gatehouse_changes")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Delivers a pushed notification ({@code topic:key}); called by the PostgreSQL listener. */
  void onNotification(String payload) {
    int colon = payload.indexOf(':');
    if (colon <= 0) {
      return;
    }
    int tab = payload.lastIndexOf(ARRIVAL_TIME_SEPARATOR);
    String topic = payload.substring(0, colon);
    String key = payload.substring(colon + 1, tab > colon ? tab : payload.length());
    if (tab > colon) {
      try {
        arrived(
            new ChangeFeed.Change(topic, key), true, Long.parseLong(payload.substring(tab + 1)));
      } catch (NumberFormatException e) {
        // not a time: deliver the change all the same
      }
    }
    feed.deliver(new ChangeFeed.Change(topic, key));
  }

  /**
   * Tells the arrival observers of a change's first arrival ({@code pushed} by NOTIFY, else read by
   * a poll); one that throws does not stop the change.
   */
  private void arrived(ChangeFeed.Change change, boolean pushed, long committedAtMillis) {
    if (arrivalObservers.isEmpty()
        || (postgres
            && !arrivalsOnce.first(change.topic(), change.key(), committedAtMillis, pushed))) {
      return;
    }
    ChangeFeed.Arrival arrival =
        new ChangeFeed.Arrival(
            change.topic(),
            pushed ? "notify" : "poll",
            Instant.ofEpochMilli(committedAtMillis),
            clock.instant());
    for (Consumer<ChangeFeed.Arrival> observer : arrivalObservers) {
      try {
        observer.accept(arrival);
      } catch (RuntimeException e) {
        LOG.warn("change arrival observer failed; ignored", e);
      }
    }
  }

  /** The shared feed: publishing writes a row (and a NOTIFY); subscribers hear every instance. */
  private final class Feed extends LocalChangeFeed {
    @Override
    public Subscription observeArrivals(Consumer<ChangeFeed.Arrival> observer) {
      Objects.requireNonNull(observer, "observer");
      arrivalObservers.add(observer);
      return () -> arrivalObservers.remove(observer);
    }

    @Override
    public void publish(String topic, String key) {
      var unused =
          inTransaction(
              connection -> {
                JdbcTokenStore.this.publish(connection, topic, key);
                return true;
              });
    }

    void deliverAll() {
      for (String topic : topics()) {
        deliver(new ChangeFeed.Change(topic, ChangeFeed.ALL));
      }
    }
  }

  // ---- connections ----

  /** Work on one connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T inTransaction(SqlWork<T> work) {
    return withConnection(
        connection -> {
          connection.setAutoCommit(false);
          try {
            T result = work.run(connection);
            connection.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
          } finally {
            connection.setAutoCommit(true);
          }
        });
  }

  /**
   * Runs {@code work} on a connection. A pooled connection that fails is assumed stale (the
   * database restarted): the work is retried once on a fresh connection, so recovery costs no
   * failed request.
   */
  <T> T withConnection(SqlWork<T> work) {
    if (closed) {
      throw new TokenStoreException("the token store is closed");
    }
    try {
      return attempt(work, false);
    } catch (SQLException first) {
      if (!source.reusesConnections()) {
        throw failure(first);
      }
      try {
        return attempt(work, true);
      } catch (SQLException second) {
        second.addSuppressed(first);
        throw failure(second);
      }
    }
  }

  private <T> T attempt(SqlWork<T> work, boolean fresh) throws SQLException {
    Connection connection = source.open(fresh);
    boolean broken = true;
    try {
      ensureReady(connection);
      T result = work.run(connection);
      broken = false;
      return result;
    } finally {
      source.release(connection, broken);
    }
  }

  private void ensureReady(Connection connection) throws SQLException {
    if (ready) {
      return;
    }
    synchronized (readyLock) {
      if (ready) {
        return;
      }
      boolean isPostgres =
          connection
              .getMetaData()
              .getDatabaseProductName()
              .toLowerCase(Locale.ROOT)
              .contains("postgres");
      int before = JdbcSchema.migrate(connection, isPostgres, clock);
      if (before < JdbcSchema.latestVersion()) {
        LOG.info(
            "token database schema migrated from version {} to {}",
            before,
            JdbcSchema.latestVersion());
      }
      postgres = isPostgres;
      // Changes from now on are news; what happened before is already in the database.
      lastSeq.compareAndSet(-1, maxSeq(connection));
      if (isPostgres && !closed) {
        pgListener =
            new PgChangeListener(
                source,
                this::onNotification,
                this::onListenerReconnected,
                // Reconnect soon even when polling is slow: until then, notifications are lost.
                pollInterval.compareTo(LISTEN_RETRY) < 0 ? pollInterval : LISTEN_RETRY);
      }
      ready = true;
    }
  }

  private static TokenStoreException failure(SQLException e) {
    return new TokenStoreException(
        "token store query failed (SQLState " + e.getSQLState() + ")", e);
  }

  private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(queryTimeoutSeconds);
    return statement;
  }

  // ---- mapping ----

  private static Optional<TokenRecord> first(PreparedStatement select) throws SQLException {
    try (ResultSet rs = select.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  /** Binds the {@link #MUTABLE} columns of {@code record} from {@code first}; returns the next. */
  private static int bindMutable(PreparedStatement statement, int first, TokenRecord record)
      throws SQLException {
    int i = first;
    statement.setString(i++, record.space());
    statement.setString(i++, record.kind().name());
    statement.setString(i++, record.hash().hex());
    setHash(statement, i++, record.previousHash());
    setInstant(statement, i++, record.previousValidUntil());
    statement.setString(i++, record.maskedPrefix());
    statement.setString(i++, record.access().name());
    statement.setString(i++, record.name());
    setText(statement, i++, record.owner());
    statement.setString(i++, String.join(",", record.permissions()));
    setInstant(statement, i++, record.createdAt());
    setInstant(statement, i++, record.expiresAt());
    statement.setBoolean(i++, record.imported());
    setText(statement, i++, origins(record));
    return i;
  }

  private static void setText(PreparedStatement statement, int index, @Nullable String text)
      throws SQLException {
    if (text == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, text);
    }
  }

  private static void bind(PreparedStatement insert, TokenRecord record) throws SQLException {
    int i = 1;
    insert.setString(i++, record.id());
    insert.setString(i++, record.space());
    insert.setString(i++, record.kind().name());
    insert.setString(i++, record.hash().hex());
    setHash(insert, i++, record.previousHash());
    setInstant(insert, i++, record.previousValidUntil());
    insert.setString(i++, record.maskedPrefix());
    insert.setString(i++, record.access().name());
    insert.setString(i++, record.name());
    insert.setString(i++, record.owner());
    insert.setString(i++, String.join(",", record.permissions()));
    setInstant(insert, i++, record.createdAt());
    setInstant(insert, i++, record.expiresAt());
    setInstant(insert, i++, record.lastUsedAt());
    setInstant(insert, i++, record.revokedAt());
    insert.setBoolean(i++, record.imported());
    setText(insert, i, origins(record));
  }

  /** Stored comma-separated; null for none (as rows written before the column read). */
  private static @Nullable String origins(TokenRecord record) {
    return record.origins().isEmpty() ? null : String.join(",", record.origins());
  }

  private static TokenRecord read(ResultSet rs) throws SQLException {
    String permissions = rs.getString("permissions");
    Set<String> permissionSet =
        permissions.isEmpty()
            ? Set.of()
            : new LinkedHashSet<>(Arrays.asList(permissions.split(",")));
    String previous = rs.getString("previous_hash");
    String origins = rs.getString("origins");
    Instant createdAt = instant(rs, "created_at");
    return new TokenRecord(
        rs.getString("id"),
        rs.getString("space"),
        TokenKind.valueOf(rs.getString("kind")),
        TokenHash.fromHex(rs.getString("token_hash")),
        previous == null ? null : TokenHash.fromHex(previous),
        instant(rs, "previous_valid_until"),
        rs.getString("masked_prefix"),
        Access.valueOf(rs.getString("access")),
        rs.getString("name"),
        rs.getString("owner"),
        permissionSet,
        createdAt == null ? Instant.EPOCH : createdAt,
        instant(rs, "expires_at"),
        instant(rs, "last_used_at"),
        instant(rs, "revoked_at"),
        rs.getBoolean("imported"),
        origins == null || origins.isEmpty() ? List.of() : Arrays.asList(origins.split(",")));
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static void setInstant(PreparedStatement statement, int index, @Nullable Instant at)
      throws SQLException {
    if (at == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, at.toEpochMilli());
    }
  }

  private static void setHash(PreparedStatement statement, int index, @Nullable TokenHash hash)
      throws SQLException {
    if (hash == null) {
      statement.setNull(index, Types.VARCHAR);
    } else {
      statement.setString(index, hash.hex());
    }
  }
}
