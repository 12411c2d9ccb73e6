package io.gatehouse.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP method overrides: the headers and query parameter with which many frameworks (Spring's
 * {@code HiddenHttpMethodFilter} variants, JAX-RS and ASP.NET filters, Rack, Laravel, Symfony) run
 * a request as another method than the one on the request line. A {@code GET} carrying {@code
 * X-HTTP-Method-Override: DELETE} is safe on the wire but a delete in such an app, so {@link
 * AccessPolicy#byMethod()} judges every override too, and the stricter method wins.
 *
 * <p>Read: every line of {@value #X_HTTP_METHOD_OVERRIDE}, {@value #X_HTTP_METHOD} and {@value
 * #X_METHOD_OVERRIDE}, each split on commas (so repeated and comma-joined headers both count), and
 * every {@value #QUERY_PARAMETER} query parameter (percent-decoded). A form body's {@code _method}
 * is not read: frameworks honour it on {@code POST} only, which is already a write. Any value that
 * is not a safe method ({@code GET}, {@code HEAD}, {@code OPTIONS}), unknown words included, makes
 * the request a write.
 */
public final class MethodOverride {
  /** The override header of Google's APIs, JAX-RS filters and most JavaScript clients. */
  public static final String X_HTTP_METHOD_OVERRIDE = "X-HTTP-Method-Override";

  /** The override header of OData and Microsoft's stacks. */
  public static final String X_HTTP_METHOD = "X-HTTP-Method";

  /** The override header of some other frameworks (e.g. IBM's, Express's method-override). */
  public static final String X_METHOD_OVERRIDE = "X-Method-Override";

  /** Every override header read, in the order they are checked. */
  public static final List<String> HEADERS =
      List.of(X_HTTP_METHOD_OVERRIDE, X_HTTP_METHOD, X_METHOD_OVERRIDE);

  /** The query parameter of Rails-, Laravel- and Symfony-style frameworks. */
  public static final String QUERY_PARAMETER = "_method";

  /** Bounds the work a request full of override values can cause. */
  private static final int MAX_VALUES = 32;

  private MethodOverride() {}

  /**
   * Every override value {@code request} carries, trimmed and upper case, in order: the headers'
   * comma-separated values, then the query parameter's values. Empty values are dropped; at most 32
   * values are returned (more than that is itself treated as an unsafe value, {@code "?"}).
   */
  public static List<String> values(AuthRequest request) {
    List<String> out = new ArrayList<>(0);
    for (String header : HEADERS) {
      for (String line : request.headers(header)) {
        for (String value : line.split(",", -1)) {
          if (!add(out, value)) {
            return out;
          }
        }
      }
    }
    String query = request.rawQuery();
    // The key is matched decoded, as frameworks do: "%5Fmethod" counts too.
    if (query != null && (query.indexOf('_') >= 0 || query.indexOf('%') >= 0)) {
      for (String pair : query.split("&", -1)) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        if (decode(key).equals(QUERY_PARAMETER) && !add(out, decode(value))) {
          return out;
        }
      }
    }
    return out;
  }

  /**
   * The method the access check judges: the request line's own when it and every override are safe,
   * else the first unsafe one among them (the request line's method first).
   */
  public static String strictest(AuthRequest request) {
    String method = request.method();
    if (!Access.isSafeMethod(method)) {
      return method;
    }
    for (String value : values(request)) {
      if (!Access.isSafeMethod(value)) {
        return value;
      }
    }
    return method;
  }

  /** Adds a non-empty value; false once the bound is reached (the list then ends with "?"). */
  private static boolean add(List<String> out, String value) {
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      return true;
    }
    if (out.size() == MAX_VALUES) {
      out.set(MAX_VALUES - 1, "?");
      return false;
    }
    out.add(trimmed.toUpperCase(Locale.ROOT));
    return true;
  }

  /** Percent-decodes; a bad encoding is kept as is (an unknown, so unsafe, value). */
  private static String decode(String value) {
    if (value.indexOf('%') < 0 && value.indexOf('+') < 0) {
      return value;
    }
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }
}
