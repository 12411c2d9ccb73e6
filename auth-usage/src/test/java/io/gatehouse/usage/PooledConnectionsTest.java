package io.gatehouse.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The limiter's small pool on a real H2 database. */
class PooledConnectionsTest {

  @Test
  void aConnectionClosedByItsUserIsKeptForReuse() throws SQLException {
    try (PooledConnections pool =
        new PooledConnections(UsageLimiterTest.h2(), new Properties(), 2)) {
      Connection first = pool.getConnection();
      Connection real = first.unwrap(Connection.class);
      first.close();
      assertThat(first.isClosed()).isTrue();
      assertThat(real.isClosed()).isFalse();
      assertThat(pool.idleCount()).isEqualTo(1);
      try (Connection second = pool.getConnection()) {
        assertThat(second.unwrap(Connection.class)).isSameAs(real);
      }
    }
  }

  @Test
  void closingThePoolClosesItsIdleConnectionsAndEveryOneGivenBackLater() throws SQLException {
    PooledConnections pool = new PooledConnections(UsageLimiterTest.h2(), new Properties(), 2);
    Connection idle = pool.getConnection();
    Connection idleReal = idle.unwrap(Connection.class);
    Connection inUse = pool.getConnection();
    Connection inUseReal = inUse.unwrap(Connection.class);
    idle.close();

    pool.close();
    assertThat(idleReal.isClosed()).isTrue();
    assertThat(pool.idleCount()).isZero();

    // A check that was still running gives its connection back after close: closed, not kept.
    inUse.close();
    assertThat(inUseReal.isClosed()).isTrue();
    assertThat(pool.idleCount()).isZero();
    assertThatThrownBy(pool::getConnection)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("closed");
  }
}
