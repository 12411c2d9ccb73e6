package io.gatehouse.ipfilter;

import io.gatehouse.core.Redact;
import org.jspecify.annotations.Nullable;

/**
 * A strict parser of IP addresses and CIDRs that never looks anything up.
 *
 * <ul>
 *   <li>IPv4: dotted quad only, four decimal octets 0-255 without leading zeros. Octal ({@code
 *       010.0.0.1}), hex ({@code 0x7f.0.0.1}), shorthand ({@code 10.1}) and integer ({@code
 *       167772161}) forms are refused: {@code inet_aton} reads them as other addresses.
 *   <li>IPv6: RFC 4291 text (RFC 3986 grammar): 1-4 hex digits per group, one {@code ::} at most,
 *       an optional trailing dotted quad. Zone ids ({@code %eth0}) and brackets are refused.
 *   <li>{@code ::ffff:a.b.c.d} and {@code ::ffff:7f00:1} become the IPv4 address they map.
 *   <li>No whitespace, no signs, no non-ASCII digits.
 * </ul>
 */
public final class IpParser {
  /** Longer input is refused before it is looked at: the longest IPv6 text has 45 characters. */
  static final int MAX_ADDRESS_LENGTH = 45;

  private IpParser() {}

  /** Parses request data or configuration text as one address; never throws, never DNS. */
  public static ParseResult<IpAddress> parseAddress(String text) {
    long[] bits = new long[3];
    String why = parseRaw(text, 0, text.length(), bits);
    if (why != null) {
      return ParseResult.invalid(quote(text) + " is not an IP address: " + why);
    }
    return ParseResult.ok(toAddress(bits));
  }

  /**
   * Parses {@code address/prefix} (or a bare address, as a /32 or /128). When host bits are set
   * (e.g. {@code 10.1.2.3/8}) {@code hostBits} decides: refuse or clear them.
   */
  public static ParseResult<Cidr> parseCidr(String text, HostBits hostBits) {
    int slash = text.indexOf('/');
    int end = slash < 0 ? text.length() : slash;
    long[] bits = new long[3];
    String why = parseRaw(text, 0, end, bits);
    if (why != null) {
      return ParseResult.invalid(quote(text) + " is not a CIDR: " + why);
    }
    boolean ipv6 = bits[2] == 6;
    int width = ipv6 ? 128 : 32;
    int prefix = width;
    if (slash >= 0) {
      prefix = parsePrefix(text, slash + 1, width);
      if (prefix < 0) {
        return ParseResult.invalid(
            quote(text) + " is not a CIDR: the prefix length must be a decimal 0-" + width);
      }
    }
    long hi = bits[0];
    long lo = bits[1];
    IpAddress network;
    if (!ipv6) {
      network = IpAddress.ipv4((int) lo);
    } else if (!IpAddress.isMapped(hi, lo)) {
      network = IpAddress.ipv6(hi, lo);
    } else if (prefix >= 96) {
      // ::ffff:10.0.0.0/104 is 10.0.0.0/8: mapped addresses are IPv4 everywhere here.
      network = IpAddress.ipv4((int) lo);
      prefix -= 96;
    } else {
      return ParseResult.invalid(
          quote(text) + " is not a CIDR: an IPv4-mapped network needs a prefix of /96 or more");
    }
    Cidr masked = Cidr.masked(network, prefix);
    if (!masked.network().equals(network) && hostBits == HostBits.REFUSE) {
      return ParseResult.invalid(
          quote(text) + " is not a CIDR: host bits are set (the network is " + masked + ")");
    }
    return ParseResult.ok(masked);
  }

  /** A decimal prefix length without sign or leading zero, at most {@code width}; else -1. */
  private static int parsePrefix(String text, int from, int width) {
    int length = text.length() - from;
    if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= width ? value : -1;
  }

  static IpAddress toAddress(long[] bits) {
    return bits[2] == 6 ? IpAddress.ipv6(bits[0], bits[1]) : IpAddress.ipv4((int) bits[1]);
  }

  /** Quotes request data for a message: printable ASCII only, cut when long. */
  static String quote(String text) {
    return "'" + Redact.safe(text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'";
  }

  /**
   * Parses {@code text[from, to)} as an address into {@code out}: {@code out[0]}, {@code out[1]}
   * the high and low 64 bits (IPv4 in the low 32), {@code out[2]} 4 or 6 (the raw text's family,
   * before mapped addresses are normalised).
   *
   * @return null when valid, else why not
   */
  static @Nullable String parseRaw(String text, int from, int to, long[] out) {
    int length = to - from;
    if (length == 0) {
      return "it is empty";
    }
    if (length > MAX_ADDRESS_LENGTH) {
      return "it is too long (" + length + " characters)";
    }
    boolean colon = false;
    boolean dot = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '%') {
        return "zone ids are refused";
      } else if (c == ':') {
        colon = true;
      } else if (c == '.') {
        dot = true;
      } else if (c == '[' || c == ']') {
        return "brackets are not part of an address";
      } else if (c <= ' ' || c >= 0x7f) {
        return "it contains whitespace, a control or a non-ASCII character";
      }
    }
    if (colon) {
      out[2] = 6;
      return parseIpv6(text, from, to, out);
    }
    out[2] = 4;
    out[0] = 0;
    if (!dot) {
      return allDigits(text, from, to)
          ? "integer forms are refused; use a dotted quad"
          : "it is neither a dotted quad nor IPv6";
    }
    long value = parseIpv4(text, from, to);
    if (value < 0) {
      return IPV4_ERRORS[(int) -value];
    }
    out[1] = value;
    return null;
  }

  private static final String[] IPV4_ERRORS = {
    "",
    "a dotted quad needs exactly 4 octets (shorthand forms are refused)",
    "an octet is empty",
    "an octet is not decimal (hex forms are refused)",
    "an octet has a leading zero (octal forms are refused)",
    "an octet is above 255",
  };

  /** The 32 bits of a strict dotted quad, or minus an index into {@link #IPV4_ERRORS}. */
  private static long parseIpv4(String text, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (true) {
      int start = i;
      int octet = 0;
      while (i < to && text.charAt(i) != '.') {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return -3;
        }
        if (i - start >= 3) {
          return text.charAt(start) == '0' ? -4 : -5;
        }
        octet = octet * 10 + (c - '0');
        i++;
      }
      if (i == start) {
        return -2;
      }
      if (i - start > 1 && text.charAt(start) == '0') {
        return -4;
      }
      if (octet > 255) {
        return -5;
      }
      if (++octets > 4) {
        return -1;
      }
      value = (value << 8) | octet;
      if (i == to) {
        break;
      }
      i++; // the dot
    }
    return octets == 4 ? value : -1;
  }

  private static @Nullable String parseIpv6(String text, int from, int to, long[] out) {
    int[] groups = new int[8];
    int count = 0;
    int gap = -1; // index in groups where "::" stands
    int i = from;
    if (text.startsWith("::", from)) {
      gap = 0;
      i += 2;
    } else if (text.charAt(from) == ':') {
      return "it starts with a single ':'";
    }
    while (i < to) {
      int start = i;
      int value = 0;
      while (i < to && hexValue(text.charAt(i)) >= 0 && i - start < 5) {
        value = (value << 4) | hexValue(text.charAt(i));
        i++;
      }
      if (i < to && text.charAt(i) == '.') {
        if (count > 6) {
          return "an embedded IPv4 address must be the last 32 bits";
        }
        long v4 = parseIpv4(text, start, to);
        if (v4 < 0) {
          return "embedded IPv4: " + IPV4_ERRORS[(int) -v4];
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        i = to;
        break;
      }
      if (i == start) {
        return "a group is empty or not hex";
      }
      if (i - start > 4) {
        return "a group has more than 4 hex digits";
      }
      if (count == 8) {
        return "it has more than 8 groups";
      }
      groups[count++] = value;
      if (i == to) {
        break;
      }
      if (text.charAt(i) != ':') {
        return "a group is not hex";
      }
      i++;
      if (i < to && text.charAt(i) == ':') {
        if (gap >= 0) {
          return "'::' appears twice";
        }
        gap = count;
        i++;
      } else if (i == to) {
        return "it ends with a single ':'";
      }
    }
    if (gap < 0 && count != 8) {
      return "it has " + count + " groups; 8 are needed without '::'";
    }
    if (gap >= 0 && count > 7) {
      return "'::' must stand for at least one group";
    }
    int[] full = new int[8];
    int tail = count - Math.max(gap, 0);
    for (int g = 0; g < count; g++) {
      int position = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
      full[position] = groups[g];
    }
    long hi = 0;
    long lo = 0;
    for (int g = 0; g < 4; g++) {
      hi = (hi << 16) | full[g];
      lo = (lo << 16) | full[4 + g];
    }
    out[0] = hi;
    out[1] = lo;
    return null;
  }

  static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean allDigits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
