package io.gatehouse.core;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request headers that carry an allowed caller's identity to an upstream service, for
 * forward-auth endpoints and the reverse proxy: {@code X-Gatehouse-Subject}, {@code -Access},
 * {@code -Permissions}, {@code -Space} and {@code -Method}.
 *
 * <p>Every header whose name starts with {@code X-Gatehouse-} belongs to Gatehouse: whatever a
 * client sends under that prefix is removed before the identity headers are added, so an upstream
 * can trust them when (and only when) its only way in is through Gatehouse.
 *
 * <p>Values are visible US-ASCII: any other byte of a value's UTF-8 form, and {@code %} and {@code
 * ,} themselves, are percent-encoded ({@code %XX}), so a JWT {@code sub} holding a line break or a
 * comma can never split or add a header or a list element. Permissions are sorted and
 * comma-separated; access is {@code read}, {@code read_write} or {@code admin}.
 */
public final class IdentityHeaders {
  /** The prefix every Gatehouse header starts with, lower case. */
  public static final String PREFIX = "x-gatehouse-";

  public static final String SUBJECT = "X-Gatehouse-Subject";
  public static final String ACCESS = "X-Gatehouse-Access";
  public static final String PERMISSIONS = "X-Gatehouse-Permissions";
  public static final String SPACE = "X-Gatehouse-Space";

  /**
   * How the identity was established: the authenticator or hook id ({@code apikey}, {@code jwt}).
   */
  public static final String METHOD = "X-Gatehouse-Method";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private IdentityHeaders() {}

  /** True for a header name under the Gatehouse prefix, in any case. */
  public static boolean isGatehouseHeader(String name) {
    return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** The identity headers for {@code identity}, in a fixed order, values encoded. */
  public static Map<String, String> of(Identity identity) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(SUBJECT, encode(identity.subject()));
    headers.put(ACCESS, identity.access().name().toLowerCase(Locale.ROOT));
    headers.put(PERMISSIONS, permissions(identity));
    headers.put(SPACE, encode(identity.space()));
    headers.put(METHOD, encode(identity.method()));
    return headers;
  }

  private static String permissions(Identity identity) {
    StringBuilder out = new StringBuilder();
    for (String permission : identity.permissions()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(encode(permission));
    }
    return out.toString();
  }

  /** {@code value} with every byte outside visible ASCII, and {@code %} and {@code ,}, as %XX. */
  public static String encode(String value) {
    if (isPlain(value)) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (isPlain(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  private static boolean isPlain(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (!isPlain(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlain(int c) {
    return c > 0x20 && c < 0x7F && c != '%' && c != ',';
  }
}
