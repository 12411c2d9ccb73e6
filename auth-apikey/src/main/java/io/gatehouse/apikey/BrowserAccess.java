package io.gatehouse.apikey;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Redact;
import io.gatehouse.core.SettingKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * API and admin tokens are for servers, scripts and CI, not for web pages: a token pasted into a
 * page can be read by anyone who loads it. So, by default, a valid token is refused with {@code
 * BROWSER_REFUSED} (403, and no CORS allowance) when the request comes from a web page, unless the
 * page's origin is one the token lists ({@code add-token --origins https://app.example.com}) or its
 * space allows browsers ({@link #ALLOWED}, {@code gatehouse browsers --allow}).
 *
 * <p>A request comes from a web page when any of these holds:
 *
 * <ul>
 *   <li>it has an {@code Origin} header (browsers send one on every cross-origin request and on
 *       same-origin requests other than GET and HEAD) that the token does not list, {@code null}
 *       included;
 *   <li>{@code Sec-Fetch-Site} is anything but {@code same-origin} or {@code none} ({@code
 *       cross-site}, {@code same-site}, or a value this version does not know);
 *   <li>{@code Sec-Fetch-Mode} is anything but {@code same-origin} ({@code cors}, {@code navigate},
 *       {@code no-cors}, {@code websocket}, or unknown).
 * </ul>
 *
 * A listed {@code Origin} allows the request whatever its {@code Sec-Fetch-*} headers say. Without
 * a listed origin, the one browser request that passes is a same-origin fetch in {@code
 * same-origin} mode ({@code Sec-Fetch-Site: same-origin} or {@code none}, {@code Sec-Fetch-Mode:
 * same-origin}, no {@code Origin}): a page on another site cannot send one, and a page on the API's
 * own origin is the operator's own. Server-side clients send neither {@code Origin} nor {@code
 * Sec-Fetch-*} and are unaffected. {@code Referer} is never read: it grants nothing.
 *
 * <p>Admin tokens follow the same rule (they are for scripts and CI). The admin console's sign-in
 * is the one browser use the operator plane makes of an admin token; the console checks its own
 * origin and CSRF token and hands the pipeline the token alone.
 */
public final class BrowserAccess {
  /** Per space: true lets every token be used from web pages (no origin check); default false. */
  public static final SettingKey<Boolean> ALLOWED =
      SettingKey.of("apikey.browsers_allowed", Boolean.FALSE);

  /** Most origins one token lists. */
  public static final int MAX_ORIGINS = 20;

  private static final Pattern ORIGIN =
      Pattern.compile(
          "(?<scheme>https?)://([a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*"
              + "|\\[[0-9a-f:.]{2,45}\\])(:(?<port>[0-9]{1,5}))?");

  private BrowserAccess() {}

  /**
   * {@code origin} as browsers send it: {@code scheme://host[:port]}, lower case, without a default
   * port (80 for http, 443 for https), a path or a trailing slash.
   *
   * @throws IllegalArgumentException naming the value when it is not such an origin
   */
  public static String normaliseOrigin(String origin) {
    String text = origin.strip().toLowerCase(Locale.ROOT);
    if (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    Matcher m = ORIGIN.matcher(text);
    if (text.length() > 200 || !m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + Redact.safe(origin)
              + "' is not an origin: give scheme://host[:port], e.g. https://app.example.com");
    }
    String port = m.group("port");
    if (port == null) {
      return text;
    }
    int number = Integer.parseInt(port);
    if (number < 1 || number > 65_535) {
      throw new IllegalArgumentException("bad port in origin '" + Redact.safe(origin) + "'");
    }
    boolean defaultPort =
        (m.group("scheme").equals("https") && number == 443)
            || (m.group("scheme").equals("http") && number == 80);
    String base = text.substring(0, text.length() - port.length() - 1);
    return defaultPort ? base : base + ":" + number;
  }

  /** Every origin normalised, repeats dropped, in order; at most {@value #MAX_ORIGINS}. */
  public static List<String> normaliseOrigins(Collection<String> origins) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String origin : origins) {
      if (!origin.isBlank()) {
        out.add(normaliseOrigin(origin));
      }
    }
    if (out.size() > MAX_ORIGINS) {
      throw new IllegalArgumentException(
          "a token lists at most " + MAX_ORIGINS + " origins, got " + out.size());
    }
    return List.copyOf(out);
  }

  /** Parses a comma-separated list such as {@code --origins} takes. */
  public static List<String> parseList(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    List<String> parts = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      parts.add(part.strip());
    }
    return normaliseOrigins(parts);
  }

  /**
   * Why {@code request} is refused for a token listing {@code origins}, or null when it is not from
   * a web page or its origin is listed. Reads three headers; never {@code Referer}.
   */
  static @Nullable String refusal(AuthRequest request, List<String> origins) {
    List<String> originHeader = request.headers("origin");
    if (!originHeader.isEmpty()) {
      String origin = originHeader.get(0).strip().toLowerCase(Locale.ROOT);
      if (originHeader.size() == 1 && listed(origin, origins)) {
        return null;
      }
      return "this token may not be used from a web page at origin '"
          + Redact.safe(origin)
          + "': tokens are for server-side use (list the origin with --origins)";
    }
    String site = single(request.headers("sec-fetch-site"));
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "this token may not be used from a web page (Sec-Fetch-Site: "
          + Redact.safe(site)
          + "): tokens are for server-side use";
    }
    String mode = single(request.headers("sec-fetch-mode"));
    if (mode != null && !mode.equals("same-origin")) {
      return "this token may not be used from a web page (Sec-Fetch-Mode: "
          + Redact.safe(mode)
          + "): tokens are for server-side use";
    }
    return null;
  }

  /** The one value, lower case; several values count as an unknown one. */
  private static @Nullable String single(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0).strip().toLowerCase(Locale.ROOT) : "(several)";
  }

  private static boolean listed(String origin, List<String> origins) {
    if (origins.isEmpty()) {
      return false;
    }
    String normal;
    try {
      normal = normaliseOrigin(origin);
    } catch (IllegalArgumentException e) {
      return false; // "null", a path, garbage: never listed
    }
    return origins.contains(normal);
  }
}
