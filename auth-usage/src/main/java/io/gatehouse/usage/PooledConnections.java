package io.gatehouse.usage;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} over {@link DriverManager} that keeps up to {@code maxIdle} connections for
 * reuse: closing a handed-out connection puts it back. Enough for the limiter's few executor
 * threads; {@link #evictIdle()} drops them all after a failure, so a restarted database is met with
 * fresh connections, and {@link #close()} drops them for good: a connection given back after it (a
 * check that was still running) is closed, not kept.
 *
 * <p>Not auth-apikey's {@code ConnectionSource}: Bucket4j takes a {@link DataSource} and closes
 * what it gets, so closing must give back, which takes a wrapping {@link Connection}; a {@link
 * Proxy} does that without delegating its fifty-odd methods by hand. auth-usage does not depend on
 * auth-apikey.
 */
final class PooledConnections implements DataSource, AutoCloseable {
  private final String url;
  private final Properties properties;
  private final int maxIdle;
  private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  PooledConnections(String url, Properties properties, int maxIdle) {
    this.url = url;
    this.properties = properties;
    this.maxIdle = maxIdle;
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (closed) {
      throw new SQLException("the usage limiter's connections are closed");
    }
    Connection reused = idle.pollFirst();
    Connection real = reused != null ? reused : DriverManager.getConnection(url, properties);
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler(real));
  }

  private InvocationHandler handler(Connection real) {
    return new InvocationHandler() {
      private boolean closed;

      @Override
      public @Nullable Object invoke(
          Object proxy, java.lang.reflect.Method method, @Nullable Object @Nullable [] args)
          throws Throwable {
        if (method.getName().equals("close") && method.getParameterCount() == 0) {
          if (!closed) {
            closed = true;
            giveBack(real);
          }
          return null;
        }
        if (method.getName().equals("isClosed") && method.getParameterCount() == 0) {
          return closed || real.isClosed();
        }
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    };
  }

  private void giveBack(Connection real) {
    try {
      if (!real.getAutoCommit()) {
        real.rollback();
        real.setAutoCommit(true);
      }
      if (!closed && idle.size() < maxIdle && !real.isClosed()) {
        idle.addFirst(real);
        if (closed) {
          evictIdle(); // close() ran meanwhile and may have missed it
        }
        return;
      }
    } catch (SQLException e) {
      // broken: closed below
    }
    closeQuietly(real);
  }

  /** Closes every idle connection (after a failure: they may all be dead). */
  void evictIdle() {
    Connection connection;
    while ((connection = idle.pollFirst()) != null) {
      closeQuietly(connection);
    }
  }

  /** Closes every idle connection, and every one given back from now on. */
  @Override
  public void close() {
    closed = true;
    evictIdle();
  }

  /** How many idle connections are kept at most. */
  int maxIdle() {
    return maxIdle;
  }

  /** For tests: how many connections wait for reuse. */
  int idleCount() {
    return idle.size();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing to do
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the credentials are set once");
  }

  @Override
  public PrintWriter getLogWriter() {
    return new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }
}
