package io.gatehouse.core;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The canonical path the pipeline's path rules see when an adapter holds a raw request-target
 * (Netty, the forward-auth endpoint's original URI, a reverse proxy): each segment without its path
 * parameters and percent-decoded, with empty segments dropped; or null when the raw path is
 * ambiguous and the request should be refused.
 *
 * <p>A servlet container hands the filter a decoded, normalised path (path parameters removed) and
 * refuses ambiguous ones itself; Netty hands over the raw request-target. A rule such as {@code
 * AccessPolicy.requirePermission("/ops/deploy", "deploy")} must not be side-stepped by spelling the
 * path differently from the way the application's router reads it: {@code /ops/%64eploy}, {@code
 * /ops//deploy}, {@code /ops/deploy;v=1} and {@code /x/../ops/deploy} all reach {@code /ops/deploy}
 * in some router. Decoding, dropping parameters and merging slashes can only make a rule match more
 * often. Forms whose meaning differs between routers are refused instead of guessed: dot segments
 * (also encoded, also {@code ..;x}), an encoded {@code /}, {@code \}, {@code ;} or NUL, a raw
 * backslash or control character, a bad escape, and bytes that are not UTF-8.
 */
public final class RequestPath {
  private RequestPath() {}

  /**
   * The canonical form of {@code rawPath} (a request-target's path, without query or fragment), or
   * null when it is ambiguous and the request must be refused. {@code *} stays {@code *}.
   */
  public static @Nullable String canonical(String rawPath) {
    if (rawPath.equals("*")) {
      return rawPath; // OPTIONS *
    }
    if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    StringBuilder out = new StringBuilder(rawPath.length());
    int start = 1;
    while (start <= rawPath.length()) {
      int end = rawPath.indexOf('/', start);
      if (end < 0) {
        end = rawPath.length();
      }
      String segment = segment(rawPath.substring(start, end));
      if (segment == null) {
        return null;
      }
      if (!segment.isEmpty()) {
        out.append('/').append(segment);
      }
      start = end + 1;
    }
    if (rawPath.endsWith("/")) {
      out.append('/');
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  /** One raw segment without its parameters, decoded; null when it is ambiguous. */
  private static @Nullable String segment(String raw) {
    int parameters = raw.indexOf(';');
    byte[] bytes = percentDecode(parameters >= 0 ? raw.substring(0, parameters) : raw);
    String name = bytes == null ? null : utf8(bytes);
    if (name == null || name.equals(".") || name.equals("..")) {
      return null;
    }
    return name;
  }

  /** The bytes with escapes decoded, or null for a bad escape or a forbidden character. */
  private static byte @Nullable [] percentDecode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (low < 0) {
          return null;
        }
        int b = high * 16 + low;
        if (b == '/' || b == '\\' || b == ';' || b < 0x20 || b == 0x7f) {
          return null; // decoding it would change the path's structure or smuggle a control
        }
        out.write(b);
        i += 2;
      } else if (c == '\\' || c < 0x20 || c >= 0x7f) {
        return null; // a request-target is ASCII; some routers read \ as /
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static @Nullable String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
