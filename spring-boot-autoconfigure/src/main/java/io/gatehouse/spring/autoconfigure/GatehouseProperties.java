package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.AdminStore;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Redact;
import io.gatehouse.core.Settings;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.core.SpaceSource;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code gatehouse.*} properties. Every value is checked when bound, and a bad one stops the
 * app with a message naming the property and the value (a password or a URL's secrets never).
 *
 * @param store where tokens and space settings live ({@code gatehouse.store.*})
 * @param space the one space every request is in (default {@value ManagedGatehouse#DEFAULT_SPACE});
 *     excludes {@code space-from}
 * @param spaceFrom map each request to a space by {@code host}, {@code path} or {@code header} (the
 *     {@value SpaceSource#HEADER_NAME} header) instead of one fixed space
 * @param admin the console and admin API ({@code gatehouse.admin.*})
 * @param filter the Gatehouse filter's registration ({@code gatehouse.filter.*})
 */
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(
    @DefaultValue Store store,
    @Nullable String space,
    @Nullable SpaceSource spaceFrom,
    @DefaultValue Admin admin,
    @DefaultValue Filter filter) {

  /** The store directory when {@code gatehouse.store.url} is not set, as the CLI's default. */
  public static final String DEFAULT_STORE_DIRECTORY = ".gatehouse";

  public GatehouseProperties {
    if (space != null && spaceFrom != null) {
      throw new IllegalArgumentException(
          "gatehouse.space ('"
              + Redact.safe(space)
              + "') and gatehouse.space-from ('"
              + spaceFrom.name().toLowerCase(java.util.Locale.ROOT)
              + "') exclude each other: set one");
    }
    if (space != null) {
      try {
        Settings.requireValidSpace(space);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("gatehouse.space: " + e.getMessage(), e);
      }
    }
  }

  /** How requests map to spaces: {@link #spaceFrom()}, else the fixed {@link #space()}. */
  SpaceResolver spaceResolver() {
    if (spaceFrom != null) {
      return spaceFrom.resolver();
    }
    return SpaceResolver.fixed(space != null ? space : ManagedGatehouse.DEFAULT_SPACE);
  }

  /**
   * The store.
   *
   * @param url {@code jdbc:postgresql://host/db} (several instances) or {@code jdbc:h2:file:...};
   *     default the embedded H2 file in {@code ./.gatehouse/}, the one the {@code gatehouse} CLI
   *     uses when run in the app's working directory
   * @param username the database user, when not in the URL
   * @param password the database password, when not in the URL; never logged
   */
  public record Store(@Nullable String url, @Nullable String username, @Nullable String password) {
    public Store {
      if (url != null) {
        url = url.strip();
      }
    }

    /**
     * The JDBC URL to open: {@link #url()}, or the default H2 file under the working directory.
     * Checked here, when the store is opened, not while binding: Boot's report of a binding failure
     * prints the bound values, the password among them.
     */
    String jdbcUrl() {
      if (url == null) {
        return TokenStores.h2Url(Path.of(DEFAULT_STORE_DIRECTORY));
      }
      if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
        throw new IllegalArgumentException(
            "gatehouse.store.url must be jdbc:postgresql://host/db or jdbc:h2:file:/path, was '"
                + Redact.safe(AdminStore.redact(url))
                + "'");
      }
      return url;
    }

    /** Never the password. */
    @Override
    public String toString() {
      return "Store[url="
          + (url == null ? "(default)" : AdminStore.redact(url))
          + ", username="
          + username
          + ", password="
          + (password == null || password.isEmpty() ? "(none)" : "(hidden)")
          + "]";
    }
  }

  /**
   * The console and the admin API.
   *
   * @param enabled serve them at {@value ManagedGatehouse#ADMIN_PATH}{@code /*} (default false:
   *     that path is then an ordinary, guarded path of the app)
   */
  public record Admin(@DefaultValue("false") boolean enabled) {}

  /**
   * The filter that runs every request through Gatehouse.
   *
   * @param order its order among the servlet filters; default {@value #DEFAULT_ORDER}, before
   *     Spring Security's (-100), which it must precede
   * @param urlPatterns the servlet URL patterns it guards (default {@code /*}: every path)
   * @param includeDetail whether a refusal's problem+json carries the decision's safe detail
   */
  public record Filter(
      @DefaultValue("" + DEFAULT_ORDER) int order,
      @DefaultValue("/*") List<String> urlPatterns,
      @DefaultValue("true") boolean includeDetail) {
    /** Before Spring Security's filter chain (-100) and after Boot's request wrappers. */
    public static final int DEFAULT_ORDER = -110;

    public Filter {
      urlPatterns = List.copyOf(urlPatterns);
      if (urlPatterns.isEmpty()) {
        throw new IllegalArgumentException(
            "gatehouse.filter.url-patterns must name at least one pattern, was empty");
      }
      for (String pattern : urlPatterns) {
        if (!pattern.startsWith("/") && !pattern.startsWith("*.")) {
          throw new IllegalArgumentException(
              "gatehouse.filter.url-patterns: '"
                  + Redact.safe(pattern)
                  + "' is not a servlet URL pattern (/path/*, /exact or *.ext)");
        }
      }
    }
  }
}
