package io.gatehouse.admin;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.apikey.EmbeddedH2;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator plane's database: API and admin tokens, every space's settings, on H2 or PostgreSQL.
 * Opening it creates or migrates the schema; {@link #management} runs the management operations on
 * it for a {@link Caller}. {@link ManagedGatehouse} builds on one; the CLI opens one per command.
 *
 * <p>An H2 file URL is opened with {@code AUTO_SERVER=TRUE}, so the CLI and running apps share the
 * file; a store directory as {@link TokenStores#h2Url} names it is kept owner-only, with a {@code
 * .gitignore} that keeps it out of commits.
 */
public final class AdminStore implements AutoCloseable {
  /** How often a store is polled for changes made by other processes, by default. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

  private static final Logger LOG = LoggerFactory.getLogger(AdminStore.class);
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:?#]*:)[^/@?#]*@");

  private static final ChangeFeed NO_FEED =
      new ChangeFeed() {
        @Override
        public Subscription subscribe(String topic, Consumer<Change> listener) {
          return () -> {};
        }

        @Override
        public void publish(String topic, String key) {}
      };

  private final String url;
  private final ApiKeys keys;
  private final SpaceSettingsStore settings;
  private final Clock clock;
  private final AuditLog audit;
  private final LimitsStore limits;

  private AdminStore(String url, ApiKeys keys, SpaceSettingsStore settings, Clock clock) {
    this.url = url;
    this.keys = keys;
    this.settings = settings;
    this.clock = clock;
    this.audit = new AuditLog(settings::connect, clock);
    this.limits = new LimitsStore(settings, clock, keys.store().changes());
  }

  /** The usage limits per token and space. */
  LimitsStore limits() {
    return limits;
  }

  /**
   * A store at {@code jdbcUrl}: {@code jdbc:postgresql://...} or an H2 URL ({@code
   * jdbc:h2:file:...}, e.g. from {@link TokenStores#h2Url}; {@code jdbc:h2:mem:...} for tests).
   *
   * @throws IllegalArgumentException for any other URL
   */
  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  /** The URL with passwords hidden: a {@code password=} parameter and {@code user:password@}. */
  public static String redact(String url) {
    String hidden = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    return USER_INFO_PASSWORD.matcher(hidden).replaceAll("$1***@");
  }

  /** The store's URL with any password hidden, for messages. */
  public String describe() {
    return redact(url);
  }

  /** The API and admin tokens. */
  public ApiKeys keys() {
    return keys;
  }

  /**
   * The audit log of every management operation run on this store (by any process sharing it): read
   * and verify it here; the operations append to it.
   */
  public AuditLog audit() {
    return audit;
  }

  /** The clock the store's operations read. */
  Clock clock() {
    return clock;
  }

  SpaceSettingsStore settings() {
    return settings;
  }

  /**
   * The management operations in {@code space} on behalf of {@code caller}; dry runs ({@link
   * Management#check}) decide with the settings stored now. Every operation checks the caller's
   * permissions itself.
   */
  public Management management(String space, Caller caller) {
    return new LocalManagement(this, space, caller, dryRun(space), false);
  }

  /**
   * Dry runs with no hooks, assembled only when one is asked for: most operations never need the
   * pipeline (and its JWT authenticator).
   */
  private Function<Management.CheckRequest, Management.CheckResult> dryRun(String space) {
    return request ->
        LocalManagement.storeChecker(this, space, LocalManagement.plainParts(this)).apply(request);
  }

  /**
   * As {@link #management}, and closing the operations closes this store: for one-shot tools such
   * as the CLI.
   */
  public Management managementClosingStore(String space, Caller caller) {
    return new LocalManagement(this, space, caller, dryRun(space), true);
  }

  Management management(
      String space,
      Caller caller,
      Function<Management.CheckRequest, Management.CheckResult> check) {
    return new LocalManagement(this, space, caller, check, false);
  }

  @Override
  public void close() {
    keys.close();
  }

  @Override
  public String toString() {
    return "AdminStore[" + describe() + "]";
  }

  /** Opens an {@link AdminStore}. */
  public static final class Builder {
    private final String url;
    private String user = "";
    private String password = "";
    private Clock clock = Clock.systemUTC();
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Consumer<String> warnings = warning -> LOG.warn("{}", warning);
    private final List<AuthListener> listeners = new ArrayList<>();

    private Builder(String jdbcUrl) {
      this.url = normalise(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
    }

    /** The database user and password, when not in the URL. Never logged. */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How often other processes' changes are polled for where no push exists (H2). */
    public Builder pollInterval(Duration pollInterval) {
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /** Receives the token events (cache misses, store failures); any number. */
    public Builder listener(AuthListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Where warnings about the store's files go (default: the log). */
    public Builder warnings(Consumer<String> warnings) {
      this.warnings = Objects.requireNonNull(warnings, "warnings");
      return this;
    }

    /**
     * Connects, creates or migrates the schema, and returns the open store.
     *
     * @throws AdminException of kind {@code UNAVAILABLE} when the database cannot be reached or its
     *     schema is newer than this library; nothing is written then
     */
    public AdminStore open() {
      if (EmbeddedH2.opensAutoServer(url)) {
        // The CLI and running apps share the file through H2's port: keep it on this machine.
        EmbeddedH2.bindServersToLoopback().ifPresent(warnings);
      }
      Path directory = h2Directory(url);
      if (directory != null) {
        prepareDirectory(directory).forEach(warnings);
      }
      Properties properties = properties();
      SpaceSettingsStore probeOnly = new SpaceSettingsStore(url, properties, clock, NO_FEED);
      try (Connection connection = probeOnly.connect()) {
        SpaceSettingsStore.createSchema(connection, clock);
      } catch (SQLException e) {
        throw AdminException.unavailable(
            "store unreachable at "
                + redact(url)
                + ": "
                + SpaceSettingsStore.firstLine(e.getMessage()),
            e);
      }
      TokenStore tokens =
          TokenStores.jdbc()
              .url(url, user, password)
              .pollInterval(pollInterval)
              .clock(clock)
              .build();
      ApiKeys.Builder keyBuilder = ApiKeys.builder(tokens).clock(clock);
      if (!listeners.isEmpty()) { // the builder keeps one listener: hand it them all
        keyBuilder.listener(AuthListener.all(listeners));
      }
      ApiKeys keys = keyBuilder.build();
      SpaceSettingsStore settings =
          new SpaceSettingsStore(url, properties, clock, tokens.changes());
      if (directory != null) {
        restrictFiles(directory); // now that H2 has created them
      }
      return new AdminStore(url, keys, settings, clock);
    }

    private Properties properties() {
      Properties properties = new Properties();
      if (!user.isEmpty()) {
        properties.setProperty("user", user);
      }
      if (!password.isEmpty()) {
        properties.setProperty("password", password);
      }
      if (url.startsWith("jdbc:postgresql:")) {
        properties.setProperty("connectTimeout", "3");
        properties.setProperty("loginTimeout", "5");
        properties.setProperty("socketTimeout", "10");
      }
      return properties;
    }
  }

  /**
   * PostgreSQL as given; an H2 in-memory database is kept while the process runs; an H2 file gets
   * {@code AUTO_SERVER=TRUE} (the CLI and running apps share it) unless the URL says otherwise.
   */
  static String normalise(String text) {
    String url = text.strip();
    if (url.startsWith("jdbc:postgresql:")) {
      return url;
    }
    if (url.startsWith("jdbc:h2:mem:")
        && !url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_DELAY")) {
      // Otherwise the database vanishes whenever its last connection closes: between two of the
      // store's own statements.
      return url + ";DB_CLOSE_DELAY=-1";
    }
    if (url.startsWith("jdbc:h2:")) {
      boolean file = !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:");
      return file && !url.toUpperCase(Locale.ROOT).contains("AUTO_SERVER")
          ? url + ";AUTO_SERVER=TRUE"
          : url;
    }
    throw new IllegalArgumentException(
        "unsupported store '"
            + io.gatehouse.core.Redact.safe(redact(url))
            + "': use jdbc:postgresql://host/db or jdbc:h2:file:/path");
  }

  /** The directory of an H2 file named as {@link TokenStores#h2Url} names it, else null. */
  static @Nullable Path h2Directory(String url) {
    String prefix = "jdbc:h2:file:";
    if (!url.startsWith(prefix)) {
      return null;
    }
    int options = url.indexOf(';');
    String file =
        options < 0 ? url.substring(prefix.length()) : url.substring(prefix.length(), options);
    try {
      Path path = Path.of(file);
      Path name = path.getFileName();
      return name != null && name.toString().equals(TokenStores.H2_FILE_NAME) && path.isAbsolute()
          ? path.getParent()
          : null;
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /** The directory, owner-only when created here; warnings about an existing one. */
  private static List<String> prepareDirectory(Path directory) {
    try {
      List<String> warnings = EmbeddedH2.secureDirectory(directory, TokenStores.H2_FILE_NAME);
      Path ignore = directory.resolve(".gitignore");
      if (!Files.exists(ignore)) {
        // The store holds token hashes and HS secrets: keep it out of commits.
        Files.writeString(ignore, "*\n");
      }
      return warnings;
    } catch (IOException e) {
      throw AdminException.unavailable(
          "cannot create the store directory " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void restrictFiles(Path directory) {
    try {
      EmbeddedH2.restrictFiles(directory, TokenStores.H2_FILE_NAME);
    } catch (IOException e) {
      throw AdminException.unavailable(
          "cannot restrict the store files in " + directory + ": " + e.getMessage(), e);
    }
  }
}
