package io.gatehouse.ipfilter;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Strict parsing of forwarding headers into hops, left to right over all header lines in order.
 * Work is bounded: parsing stops at the first entry past the limit or the first over-long entry.
 * Anything malformed is refused with the reason; nothing is guessed.
 */
final class ForwardedChain {
  /** Longest X-Forwarded-For entry (with OWS): {@code [45-char IPv6]:65535} fits in 60. */
  static final int MAX_XFF_ENTRY = 100;

  /** Longest RFC 7239 element: a few parameters (for, by, proto, host). */
  static final int MAX_FORWARDED_ELEMENT = 512;

  /**
   * One hop of a forwarding header.
   *
   * @param address its address, or null for {@code unknown}, an obfuscated id or no {@code for}
   * @param label how the trace shows it
   */
  record Hop(@Nullable IpAddress address, String label) {}

  private ForwardedChain() {}

  /**
   * Parses {@code lines} of {@code header} into {@code out}.
   *
   * @return null when well formed, else why not
   */
  static @Nullable String parse(
      List<String> lines, ForwardedHeader header, int maxEntries, List<Hop> out) {
    if (header == ForwardedHeader.X_REAL_IP && lines.size() > 1) {
      return "the header was sent " + lines.size() + " times";
    }
    boolean rfc7239 = header == ForwardedHeader.FORWARDED;
    int maxLength = rfc7239 ? MAX_FORWARDED_ELEMENT : MAX_XFF_ENTRY;
    int limit = header == ForwardedHeader.X_REAL_IP ? 1 : maxEntries;
    int entries = 0;
    for (String line : lines) {
      int start = 0;
      boolean quoted = false;
      for (int i = 0; i <= line.length(); i++) {
        if (i - start > maxLength) {
          return "entry " + (entries + 1) + " is longer than " + maxLength + " characters";
        }
        if (i < line.length()) {
          char c = line.charAt(i);
          if (quoted) {
            if (c == '\\' && i + 1 < line.length()) {
              i++; // a quoted-pair: the next character is literal
            } else if (c == '"') {
              quoted = false;
            }
            continue;
          }
          if (rfc7239 && c == '"') {
            quoted = true;
            continue;
          }
          if (c != ',') {
            continue;
          }
        } else if (quoted) {
          return "entry " + (entries + 1) + " has an unterminated quoted string";
        }
        entries++;
        if (entries > limit) {
          return header == ForwardedHeader.X_REAL_IP
              ? "a list where one address is expected"
              : "more than " + maxEntries + " entries";
        }
        String entry = trimOws(line, start, Math.min(i, line.length()));
        if (entry.isEmpty()) {
          return "entry " + entries + " is empty";
        }
        Object hop = rfc7239 ? parseElement(entry) : parseNode(entry, false);
        if (hop instanceof String why) {
          return "entry " + entries + ": " + why;
        }
        out.add((Hop) hop);
        start = i + 1;
      }
    }
    return null;
  }

  /** An RFC 7239 {@code forwarded-element}: its {@code for} node, or why it is malformed. */
  private static Object parseElement(String element) {
    Set<String> seen = new HashSet<>(4);
    Object forNode = new Hop(null, "(no for=)");
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= element.length(); i++) {
      if (i < element.length()) {
        char c = element.charAt(i);
        if (quoted) {
          if (c == '\\' && i + 1 < element.length()) {
            i++;
          } else if (c == '"') {
            quoted = false;
          }
          continue;
        }
        if (c == '"') {
          quoted = true;
          continue;
        }
        if (c != ';') {
          continue;
        }
      }
      String pair = trimOws(element, start, Math.min(i, element.length()));
      start = i + 1;
      if (pair.isEmpty()) {
        continue; // forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
      }
      int equals = pair.indexOf('=');
      if (equals <= 0 || !isToken(pair, 0, equals)) {
        return "parameter " + IpParser.quote(pair) + " is not token=value";
      }
      String name = pair.substring(0, equals).toLowerCase(Locale.ROOT);
      if (!seen.add(name)) {
        return "parameter '" + name + "' appears twice";
      }
      String value = unquote(pair, equals + 1);
      if (value == null) {
        return "the value of '" + name + "' is neither a token nor a quoted string";
      }
      if (name.equals("for")) {
        forNode = parseNode(value, true);
      }
    }
    return forNode;
  }

  /** A token or quoted-string value (RFC 9110), unescaped; null when neither. */
  private static @Nullable String unquote(String pair, int from) {
    if (from == pair.length()) {
      return null;
    }
    if (pair.charAt(from) != '"') {
      return isToken(pair, from, pair.length()) ? pair.substring(from) : null;
    }
    StringBuilder value = new StringBuilder(pair.length() - from);
    for (int i = from + 1; i < pair.length(); i++) {
      char c = pair.charAt(i);
      if (c == '"') {
        return i == pair.length() - 1 ? value.toString() : null;
      }
      if (c == '\\') {
        i++;
        if (i == pair.length()) {
          return null;
        }
        c = pair.charAt(i);
      }
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return null;
      }
      value.append(c);
    }
    return null;
  }

  /**
   * A node: {@code a.b.c.d}, {@code [v6]}, either with {@code :port}, {@code unknown}; in
   * X-Forwarded-For also a bare IPv6 address; in Forwarded also an obfuscated {@code _id} and
   * {@code :_port}.
   *
   * @return a {@link Hop}, or a String saying why not
   */
  static Object parseNode(String node, boolean rfc7239) {
    int portAt;
    String host;
    if (node.startsWith("[")) {
      int close = node.indexOf(']');
      if (close < 0) {
        return IpParser.quote(node) + " has an unclosed '['";
      }
      host = node.substring(1, close);
      portAt = close + 1;
      if (host.indexOf(':') < 0) {
        return IpParser.quote(node) + " brackets hold no IPv6 address";
      }
    } else {
      int colon = node.indexOf(':');
      boolean single = colon >= 0 && node.indexOf(':', colon + 1) < 0;
      if (colon < 0 || single) {
        host = single ? node.substring(0, colon) : node;
        portAt = single ? colon : node.length();
      } else if (rfc7239) {
        return IpParser.quote(node) + ": an IPv6 node must be in brackets and quotes";
      } else {
        host = node; // a bare IPv6 address; no port possible without brackets
        portAt = node.length();
      }
    }
    if (portAt < node.length()) {
      String why = checkPort(node, portAt, rfc7239);
      if (why != null) {
        return why;
      }
    }
    if (host.equalsIgnoreCase("unknown")) {
      return new Hop(null, "unknown");
    }
    if (rfc7239 && host.startsWith("_")) {
      return isObfuscated(host, 0)
          ? new Hop(null, host)
          : IpParser.quote(node) + " is not a valid obfuscated identifier";
    }
    ParseResult<IpAddress> address = IpParser.parseAddress(host);
    if (address instanceof ParseResult.Ok<IpAddress> ok) {
      return new Hop(ok.value(), ok.value().toString());
    }
    return ((ParseResult.Invalid<IpAddress>) address).reason();
  }

  private static @Nullable String checkPort(String node, int colon, boolean rfc7239) {
    if (node.charAt(colon) != ':') {
      return IpParser.quote(node) + " has text after ']' that is not a port";
    }
    int from = colon + 1;
    int length = node.length() - from;
    if (rfc7239 && length > 1 && node.charAt(from) == '_' && isObfuscated(node, from)) {
      return null;
    }
    if (length < 1 || length > 5) {
      return IpParser.quote(node) + " has an invalid port";
    }
    int port = 0;
    for (int i = from; i < node.length(); i++) {
      char c = node.charAt(i);
      if (c < '0' || c > '9') {
        return IpParser.quote(node) + " has an invalid port";
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535 ? null : IpParser.quote(node) + " has a port above 65535";
  }

  /** RFC 7239 {@code "_" 1*(ALPHA / DIGIT / "." / "_" / "-")} from {@code from} to the end. */
  private static boolean isObfuscated(String text, int from) {
    if (text.length() - from < 2 || text.charAt(from) != '_') {
      return false;
    }
    for (int i = from + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 {@code token}: one or more tchar. */
  private static boolean isToken(String text, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** {@code text[from, to)} without leading and trailing spaces and tabs (OWS). */
  private static String trimOws(String text, int from, int to) {
    int start = from;
    int end = to;
    while (start < end && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
      end--;
    }
    return text.substring(start, end);
  }
}
