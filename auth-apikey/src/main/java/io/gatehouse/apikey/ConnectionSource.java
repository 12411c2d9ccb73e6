package io.gatehouse.apikey;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.sql.DataSource;

/** Where the JDBC store gets connections: a pooling {@link DataSource}, or a URL and a few idle. */
interface ConnectionSource extends AutoCloseable {

  /** A connection; {@code fresh} asks for one that was not idle in a pool. */
  Connection open(boolean fresh) throws SQLException;

  /** Gives a connection back; a {@code broken} one is closed, never reused. */
  void release(Connection connection, boolean broken);

  /** True when {@link #open} may hand out a connection that sat idle (and may be stale). */
  boolean reusesConnections();

  @Override
  void close();

  static ConnectionSource of(DataSource dataSource) {
    return new ConnectionSource() {
      @Override
      public Connection open(boolean fresh) throws SQLException {
        return dataSource.getConnection();
      }

      @Override
      public void release(Connection connection, boolean broken) {
        closeQuietly(connection);
      }

      @Override
      public boolean reusesConnections() {
        return false; // the DataSource's own pool validates its connections
      }

      @Override
      public void close() {}
    };
  }

  /** Connections from {@link DriverManager}; up to {@code maxIdle} are kept for reuse. */
  static ConnectionSource of(String url, Properties properties, int maxIdle) {
    return new ConnectionSource() {
      private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
      private volatile boolean closed;

      @Override
      public Connection open(boolean fresh) throws SQLException {
        if (fresh) {
          drainIdle();
        } else {
          Connection reused = idle.pollFirst();
          if (reused != null) {
            return reused;
          }
        }
        return DriverManager.getConnection(url, properties);
      }

      @Override
      public void release(Connection connection, boolean broken) {
        if (broken || closed || idle.size() >= maxIdle) {
          closeQuietly(connection);
        } else {
          idle.offerFirst(connection);
        }
      }

      @Override
      public boolean reusesConnections() {
        return true;
      }

      @Override
      public void close() {
        closed = true;
        drainIdle();
      }

      private void drainIdle() {
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
          closeQuietly(c);
        }
      }
    };
  }

  static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing a connection to a database that went away fails; nothing to do about it.
    }
  }
}
