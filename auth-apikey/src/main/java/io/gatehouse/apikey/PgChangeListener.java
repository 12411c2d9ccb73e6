package io.gatehouse.apikey;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds one connection LISTENing on {@link JdbcSchema#CHANNEL} and hands every notification's
 * payload to the store. When the connection breaks it reconnects (retrying every {@code
 * retryInterval}) and then tells the store, which resyncs its subscribers in full and polls, since
 * notifications sent meanwhile are lost. Only loaded on PostgreSQL, so H2 users need no PostgreSQL
 * driver.
 */
final class PgChangeListener implements AutoCloseable {
  private static final int WAIT_MILLIS = 500;

  private final ConnectionSource source;
  private final Consumer<String> onPayload;
  private final Runnable onReconnect;
  private final Duration retryInterval;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean listening;

  PgChangeListener(
      ConnectionSource source,
      Consumer<String> onPayload,
      Runnable onReconnect,
      Duration retryInterval) {
    this.source = source;
    this.onPayload = onPayload;
    this.onReconnect = onReconnect;
    this.retryInterval = retryInterval;
    this.thread = new Thread(this::run, "gatehouse-pg-listen");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    Connection connection = null;
    boolean wasConnected = false;
    while (!closed) {
      try {
        if (connection == null) {
          connection = listen();
          listening = true;
          if (wasConnected) {
            onReconnect.run();
          }
          wasConnected = true;
        }
        for (String payload : await(connection)) {
          onPayload.accept(payload);
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (connection != null) {
          JdbcTokenStore.LOG.debug("change notification connection lost; reconnecting", e);
          source.release(connection, true);
          connection = null;
        }
        sleep(retryInterval);
      }
    }
    if (connection != null) {
      source.release(connection, true);
    }
  }

  /**
   * Waits up to {@value #WAIT_MILLIS} ms for notifications and returns their payloads. Calls the
   * driver's {@code PGConnection.getNotifications(int)} reflectively: the PostgreSQL driver is an
   * optional dependency, needed only by those who use PostgreSQL.
   */
  private static List<String> await(Connection connection) throws SQLException {
    try {
      Class<?> pgConnection = Class.forName("org.postgresql.PGConnection");
      Object pg = connection.unwrap(pgConnection);
      Method getNotifications = pgConnection.getMethod("getNotifications", int.class);
      Object[] notifications = (Object[]) getNotifications.invoke(pg, WAIT_MILLIS);
      if (notifications == null || notifications.length == 0) {
        return List.of();
      }
      Method parameter = notifications[0].getClass().getMethod("getParameter");
      List<String> payloads = new ArrayList<>(notifications.length);
      for (Object notification : notifications) {
        payloads.add(String.valueOf(parameter.invoke(notification)));
      }
      return payloads;
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException("PostgreSQL notification call failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new SQLException("not a PostgreSQL connection with notifications", e);
    }
  }

  private Connection listen() throws SQLException {
    Connection connection = source.open(true);
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN " + JdbcSchema.CHANNEL);
      return connection;
    } catch (SQLException e) {
      source.release(connection, true);
      throw e;
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** True while the LISTEN connection is up: changes arrive at once, not at the next poll. */
  boolean listening() {
    return listening;
  }

  @Override
  public void close() {
    closed = true;
    listening = false;
    thread.interrupt();
  }
}
