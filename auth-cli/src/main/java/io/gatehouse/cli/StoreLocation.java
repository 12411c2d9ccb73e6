package io.gatehouse.cli;

import io.gatehouse.admin.AdminException;
import io.gatehouse.admin.AdminStore;
import io.gatehouse.apikey.TokenStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where tokens and space settings live: {@code --store}, else {@code $GATEHOUSE_STORE}, else an
 * embedded H2 file in {@code ./.gatehouse/}. A JDBC URL ({@code jdbc:h2:...}, {@code
 * jdbc:postgresql://...}) or a directory for an H2 file. Credentials come from the URL or from
 * {@code $GATEHOUSE_STORE_USER} / {@code $GATEHOUSE_STORE_PASSWORD}, never from an option (shell
 * histories keep options). Opening is {@link AdminStore}'s.
 *
 * @param url the JDBC URL
 * @param user the database user ("" when in the URL or not needed)
 * @param password the database password ("" when in the URL or not needed)
 */
record StoreLocation(String url, String user, String password) {
  static final String DEFAULT_DIRECTORY = ".gatehouse";
  private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  static StoreLocation resolve(@Nullable String option, Map<String, String> env, Path workDir) {
    String text = option != null ? option : env.get("GATEHOUSE_STORE");
    String user = env.getOrDefault("GATEHOUSE_STORE_USER", "");
    String password = env.getOrDefault("GATEHOUSE_STORE_PASSWORD", "");
    if (text == null || text.isBlank()) {
      text = workDir.resolve(DEFAULT_DIRECTORY).toString();
    }
    text = text.strip();
    if (text.startsWith("jdbc:postgresql:") || text.startsWith("jdbc:h2:")) {
      return new StoreLocation(text, user, password);
    }
    if (text.startsWith("jdbc:") || URL_SCHEME.matcher(text).matches()) {
      throw CliException.usage(
          "unsupported store '"
              + redact(text)
              + "': use jdbc:postgresql://host/db, jdbc:h2:file:/path or a directory");
    }
    Path directory = workDir.resolve(text).toAbsolutePath().normalize();
    return new StoreLocation(TokenStores.h2Url(directory), user, password);
  }

  /** The URL with any password hidden, for messages. */
  String describe() {
    return redact(url);
  }

  static String redact(String url) {
    return AdminStore.redact(url);
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
        + "]";
  }

  /**
   * Connects, creates or migrates what is needed, and returns the open store. Throws a {@link
   * CliException} with exit code 3 when the database cannot be reached, before anything is written.
   * Warnings (a store directory open to other users, an H2 port that could not be kept on loopback)
   * go to {@code err}.
   */
  AdminStore open(Clock clock, Duration pollInterval, PrintWriter err) {
    try {
      return AdminStore.builder(url)
          .credentials(user, password)
          .clock(clock)
          .pollInterval(pollInterval)
          .warnings(warning -> err.println("gatehouse: warning: " + warning))
          .open();
    } catch (AdminException e) {
      throw new CliException(Main.exitCode(e), String.valueOf(e.getMessage()), e);
    }
  }
}
