package io.gatehouse.apikey;

import io.gatehouse.core.Redact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores Gatehouse ships.
 *
 * <pre>{@code
 * TokenStore memory = TokenStores.inMemory();                        // tests, demos
 * TokenStore local = TokenStores.h2File(Path.of("/var/lib/app"));     // one instance (the default)
 * TokenStore shared = TokenStores.jdbc()                               // several instances
 *     .url("jdbc:postgresql://db:5432/app", "app", password)
 *     .build();
 * }</pre>
 */
public final class TokenStores {
  /** The file name (without H2's {@code .mv.db}) of the default embedded database. */
  public static final String H2_FILE_NAME = "gatehouse-tokens";

  private static final Logger LOG = LoggerFactory.getLogger(TokenStores.class);

  private TokenStores() {}

  /** Records in memory, lost on exit; changes reach only this process. */
  public static TokenStore inMemory() {
    return new MemoryTokenStore();
  }

  /**
   * An embedded H2 database in {@code directory} ({@value #H2_FILE_NAME}.mv.db), created on first
   * use. Needs {@code com.h2database:h2} on the class path. The database holds token hashes, so a
   * new directory is created owner-only and the database files are set to owner read/write; an
   * existing directory open to other users is logged as a warning (see {@link EmbeddedH2}).
   *
   * @throws UncheckedIOException when the directory cannot be created
   */
  public static TokenStore h2File(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    try {
      for (String warning : EmbeddedH2.secureDirectory(absolute, H2_FILE_NAME)) {
        LOG.warn("{}", warning);
      }
      TokenStore store = jdbc().url(h2Url(absolute), "", "").build();
      EmbeddedH2.restrictFiles(absolute, H2_FILE_NAME);
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the token store directory " + absolute, e);
    }
  }

  /** The JDBC URL of {@link #h2File(Path)}'s database. */
  public static String h2Url(Path directory) {
    return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(H2_FILE_NAME);
  }

  /** A builder of a JDBC store on H2 or PostgreSQL. */
  public static JdbcBuilder jdbc() {
    return new JdbcBuilder();
  }

  /** Configures a JDBC token store. */
  public static final class JdbcBuilder {
    private @Nullable String url;
    private final Properties properties = new Properties();
    private @Nullable DataSource dataSource;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration queryTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private int maxIdleConnections = 4;

    private JdbcBuilder() {}

    /**
     * Connects through {@link java.sql.DriverManager} to {@code url} ({@code jdbc:h2:...} or {@code
     * jdbc:postgresql:...}), keeping a few idle connections for reuse.
     */
    public JdbcBuilder url(String url, String user, String password) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("jdbc:")) {
        // Only the scheme: a URL like postgres://user:password@host carries the password.
        int colon = url.indexOf(':');
        throw new IllegalArgumentException(
            colon < 0
                ? "a JDBC URL starts with 'jdbc:', got text with no scheme"
                : "a JDBC URL starts with 'jdbc:', got one starting '"
                    + Redact.safe(url.substring(0, colon + 1))
                    + "'");
      }
      if (EmbeddedH2.opensAutoServer(url)) {
        // AUTO_SERVER opens a TCP port for other processes; keep it on this machine.
        EmbeddedH2.bindServersToLoopbackOrLog();
      }
      this.url = url;
      properties.setProperty("user", Objects.requireNonNull(user, "user"));
      properties.setProperty("password", Objects.requireNonNull(password, "password"));
      if (url.startsWith("jdbc:postgresql:")) {
        // Fail fast when the database is down instead of hanging request threads' futures.
        properties.setProperty("connectTimeout", "3");
        properties.setProperty("socketTimeout", "10");
        properties.setProperty("tcpKeepAlive", "true");
      }
      return this;
    }

    /**
     * Connects through {@code dataSource} (e.g. the application's pool). Each store operation holds
     * one connection at a time, and change subscribers are called after the change poll gave its
     * connection back, so a pool of one connection is enough on H2. On PostgreSQL the change
     * listener keeps one connection for its {@code LISTEN}: give the pool at least two.
     */
    public JdbcBuilder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * How often each instance polls the change table; default 1 s. The bound on how late a
     * revocation made elsewhere is seen (PostgreSQL usually pushes it at once).
     */
    public JdbcBuilder pollInterval(Duration interval) {
      requireBetween(interval, Duration.ofMillis(10), Duration.ofMinutes(5), "pollInterval");
      this.pollInterval = interval;
      return this;
    }

    /** The timeout of every query; default 5 s. */
    public JdbcBuilder queryTimeout(Duration timeout) {
      requireBetween(timeout, Duration.ofSeconds(1), Duration.ofMinutes(5), "queryTimeout");
      this.queryTimeout = timeout;
      return this;
    }

    /** How many idle URL connections are kept; default 4. */
    public JdbcBuilder maxIdleConnections(int max) {
      if (max < 0 || max > 64) {
        throw new IllegalArgumentException("maxIdleConnections must be in [0, 64], was " + max);
      }
      this.maxIdleConnections = max;
      return this;
    }

    /** The clock for change timestamps and schema records; default UTC system clock. */
    public JdbcBuilder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The store. Its schema is created or migrated now when the database is reachable, otherwise on
     * first use.
     */
    public TokenStore build() {
      ConnectionSource source;
      if (dataSource != null && url != null) {
        throw new IllegalStateException("set a url or a dataSource, not both");
      } else if (dataSource != null) {
        source = ConnectionSource.of(dataSource);
      } else if (url != null) {
        source = ConnectionSource.of(url, properties, maxIdleConnections);
      } else {
        throw new IllegalStateException("a JDBC token store needs a url or a dataSource");
      }
      return new JdbcTokenStore(source, clock, pollInterval, queryTimeout);
    }

    private static void requireBetween(Duration value, Duration min, Duration max, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", was " + value);
      }
    }
  }
}
