package io.gatehouse.cli;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.EmbeddedH2;
import io.gatehouse.apikey.TokenStore;
import io.gatehouse.apikey.TokenStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where tokens and space settings live: {@code --store}, else {@code $GATEHOUSE_STORE}, else an
 * embedded H2 file in {@code ./.gatehouse/}. A JDBC URL ({@code jdbc:h2:...}, {@code
 * jdbc:postgresql://...}) or a directory for an H2 file. Credentials come from the URL or from
 * {@code $GATEHOUSE_STORE_USER} / {@code $GATEHOUSE_STORE_PASSWORD}, never from an option (shell
 * histories keep options).
 *
 * @param url the JDBC URL
 * @param user the database user ("" when in the URL or not needed)
 * @param password the database password ("" when in the URL or not needed)
 * @param h2Directory the directory of an embedded H2 file to create, or null
 */
record StoreLocation(String url, String user, String password, @Nullable Path h2Directory) {
  static final String DEFAULT_DIRECTORY = ".gatehouse";
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:?#]*:)[^/@?#]*@");
  private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  static StoreLocation resolve(@Nullable String option, Map<String, String> env, Path workDir) {
    String text = option != null ? option : env.get("GATEHOUSE_STORE");
    String user = env.getOrDefault("GATEHOUSE_STORE_USER", "");
    String password = env.getOrDefault("GATEHOUSE_STORE_PASSWORD", "");
    if (text == null || text.isBlank()) {
      return h2In(workDir.resolve(DEFAULT_DIRECTORY), user, password);
    }
    text = text.strip();
    if (text.startsWith("jdbc:postgresql:")) {
      return new StoreLocation(text, user, password, null);
    }
    if (text.startsWith("jdbc:h2:")) {
      boolean file = !text.startsWith("jdbc:h2:mem:") && !text.startsWith("jdbc:h2:tcp:");
      String url =
          file && !text.toUpperCase(java.util.Locale.ROOT).contains("AUTO_SERVER")
              ? text + ";AUTO_SERVER=TRUE" // the CLI and a running serve share the file
              : text;
      return new StoreLocation(url, user, password, null);
    }
    if (text.startsWith("jdbc:") || URL_SCHEME.matcher(text).matches()) {
      throw CliException.usage(
          "unsupported store '"
              + redact(text)
              + "': use jdbc:postgresql://host/db, jdbc:h2:file:/path or a directory");
    }
    return h2In(workDir.resolve(text), user, password);
  }

  private static StoreLocation h2In(Path directory, String user, String password) {
    Path absolute = directory.toAbsolutePath().normalize();
    return new StoreLocation(
        TokenStores.h2Url(absolute) + ";AUTO_SERVER=TRUE", user, password, absolute);
  }

  /** The URL with any password parameter hidden, for messages. */
  String describe() {
    return redact(url);
  }

  boolean isPostgres() {
    return url.startsWith("jdbc:postgresql:");
  }

  /** The URL with passwords hidden: a {@code password=} parameter and {@code user:password@}. */
  static String redact(String url) {
    String hidden = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    return USER_INFO_PASSWORD.matcher(hidden).replaceAll("$1***@");
  }

  /** Never the password, and the URL as {@link #describe()} shows it. */
  @Override
  public String toString() {
    return "StoreLocation[url="
        + describe()
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "(none)" : "(hidden)")
        + ", h2Directory="
        + h2Directory
        + "]";
  }

  Properties properties() {
    Properties properties = new Properties();
    if (!user.isEmpty()) {
      properties.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    if (isPostgres()) {
      properties.setProperty("connectTimeout", "3");
      properties.setProperty("loginTimeout", "5");
      properties.setProperty("socketTimeout", "10");
    }
    return properties;
  }

  /**
   * Connects, creates what is missing, and returns the open store. Throws a {@link CliException}
   * with exit code 3 when the database cannot be reached, before anything is written. Warnings (a
   * store directory open to other users, an H2 port that could not be kept on loopback) go to
   * {@code err}.
   */
  OpenStore open(Clock clock, Duration pollInterval, PrintWriter err) {
    if (EmbeddedH2.opensAutoServer(url)) {
      // The CLI and a running serve share the file through H2's port: keep it on this machine.
      EmbeddedH2.bindServersToLoopback().ifPresent(warning -> warn(err, warning));
    }
    if (h2Directory != null) {
      prepareDirectory(h2Directory).forEach(warning -> warn(err, warning));
    }
    Properties properties = properties();
    SpaceSettingsStore probeOnly = new SpaceSettingsStore(url, properties, clock, NO_FEED);
    try (Connection connection = probeOnly.connect()) {
      SpaceSettingsStore.createSchema(connection, clock);
    } catch (SQLException e) {
      throw CliException.unavailable(
          "store unreachable at "
              + describe()
              + ": "
              + SpaceSettingsStore.firstLine(e.getMessage()),
          e);
    }
    TokenStore tokens =
        TokenStores.jdbc()
            .url(url, properties.getProperty("user", ""), properties.getProperty("password", ""))
            .pollInterval(pollInterval)
            .clock(clock)
            .build();
    ApiKeys keys = ApiKeys.builder(tokens).clock(clock).build();
    SpaceSettingsStore settings = new SpaceSettingsStore(url, properties, clock, tokens.changes());
    if (h2Directory != null) {
      restrictFiles(h2Directory); // now that H2 has created them
    }
    return new OpenStore(this, keys, settings);
  }

  private static void warn(PrintWriter err, String warning) {
    err.println("gatehouse: warning: " + warning);
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
      throw CliException.unavailable(
          "cannot create the store directory " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void restrictFiles(Path directory) {
    try {
      EmbeddedH2.restrictFiles(directory, TokenStores.H2_FILE_NAME);
    } catch (IOException e) {
      throw CliException.unavailable(
          "cannot restrict the store files in " + directory + ": " + e.getMessage(), e);
    }
  }

  private static final io.gatehouse.apikey.ChangeFeed NO_FEED =
      new io.gatehouse.apikey.ChangeFeed() {
        @Override
        public Subscription subscribe(String topic, java.util.function.Consumer<Change> listener) {
          return () -> {};
        }

        @Override
        public void publish(String topic, String key) {}
      };

  /** An opened store: tokens and space settings over one database. */
  record OpenStore(StoreLocation location, ApiKeys keys, SpaceSettingsStore settings)
      implements AutoCloseable {
    @Override
    public void close() {
      keys.close();
    }
  }
}
