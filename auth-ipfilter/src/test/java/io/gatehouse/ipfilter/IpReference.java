package io.gatehouse.ipfilter;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A slow, independent reading of address text for the fuzz targets' oracles: the RFC 3986 {@code
 * IPv4address} / {@code IPv6address} grammar as regular expressions (whose {@code dec-octet} has no
 * leading zeros, as our strict parser wants), and string arithmetic for the value. Shares no code
 * with {@link IpParser}.
 */
final class IpReference {
  private static final String DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])";
  private static final String IPV4 = DEC_OCTET + "(?:\\." + DEC_OCTET + "){3}";
  private static final String H16 = "[0-9A-Fa-f]{1,4}";
  private static final String LS32 = "(?:" + H16 + ":" + H16 + "|" + IPV4 + ")";
  private static final Pattern IPV4_PATTERN = Pattern.compile(IPV4);
  private static final Pattern IPV6_PATTERN = Pattern.compile(ipv6Grammar());

  /** The 128 bits and the family of a reference-valid address. */
  record Value(long hi, long lo, boolean ipv6Text) {
    /** The address after the IPv4-mapped normalisation ({@code ::ffff:0:0/96} is IPv4). */
    boolean isIpv4() {
      return !ipv6Text || (hi == 0 && (lo >>> 32) == 0xFFFFL);
    }
  }

  private IpReference() {}

  /** RFC 3986 section 3.2.2, alternative by alternative. */
  private static String ipv6Grammar() {
    String h16c = H16 + ":";
    List<String> alternatives = new ArrayList<>();
    alternatives.add("(?:" + h16c + "){6}" + LS32);
    alternatives.add("::(?:" + h16c + "){5}" + LS32);
    alternatives.add("(?:" + H16 + ")?::(?:" + h16c + "){4}" + LS32);
    alternatives.add("(?:(?:" + h16c + "){0,1}" + H16 + ")?::(?:" + h16c + "){3}" + LS32);
    alternatives.add("(?:(?:" + h16c + "){0,2}" + H16 + ")?::(?:" + h16c + "){2}" + LS32);
    alternatives.add("(?:(?:" + h16c + "){0,3}" + H16 + ")?::" + h16c + LS32);
    alternatives.add("(?:(?:" + h16c + "){0,4}" + H16 + ")?::" + LS32);
    alternatives.add("(?:(?:" + h16c + "){0,5}" + H16 + ")?::" + H16);
    alternatives.add("(?:(?:" + h16c + "){0,6}" + H16 + ")?::");
    return String.join("|", alternatives.stream().map(a -> "(?:" + a + ")").toList());
  }

  /** The value of {@code text}, or null when the grammar refuses it. */
  static @Nullable Value parse(String text) {
    if (IPV4_PATTERN.matcher(text).matches()) {
      return new Value(0, ipv4Bits(text), false);
    }
    if (!IPV6_PATTERN.matcher(text).matches()) {
      return null;
    }
    List<Integer> head = new ArrayList<>();
    List<Integer> tail = new ArrayList<>();
    int gap = text.indexOf("::");
    if (gap < 0) {
      groups(text, head);
    } else {
      groups(text.substring(0, gap), head);
      groups(text.substring(gap + 2), tail);
    }
    int[] all = new int[8];
    for (int i = 0; i < head.size(); i++) {
      all[i] = head.get(i);
    }
    for (int i = 0; i < tail.size(); i++) {
      all[8 - tail.size() + i] = tail.get(i);
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = hi << 16 | all[i];
      lo = lo << 16 | all[4 + i];
    }
    return new Value(hi, lo, true);
  }

  private static void groups(String part, List<Integer> out) {
    if (part.isEmpty()) {
      return;
    }
    for (String group : part.split(":", -1)) {
      if (group.contains(".")) {
        long v4 = ipv4Bits(group);
        out.add((int) (v4 >>> 16));
        out.add((int) (v4 & 0xFFFF));
      } else {
        out.add(Integer.parseInt(group, 16));
      }
    }
  }

  private static long ipv4Bits(String text) {
    long bits = 0;
    for (String octet : text.split("\\.", -1)) {
      bits = bits << 8 | Integer.parseInt(octet);
    }
    return bits;
  }

  /** RFC 5952 text of an IPv6 value, built from the fully written form by string search. */
  static String rfc5952(long hi, long lo) {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      groups.add(Long.toHexString(hi >>> (48 - 16 * i) & 0xFFFF));
    }
    for (int i = 0; i < 4; i++) {
      groups.add(Long.toHexString(lo >>> (48 - 16 * i) & 0xFFFF));
    }
    String full = ":" + String.join(":", groups) + ":";
    // The longest run of two or more zero groups, the leftmost of equal runs, becomes "::".
    for (int run = 8; run >= 2; run--) {
      String zeros = ":0".repeat(run) + ":";
      int at = full.indexOf(zeros);
      if (at >= 0) {
        String compressed = full.substring(0, at) + "::" + full.substring(at + zeros.length());
        return trimColons(compressed);
      }
    }
    return full.substring(1, full.length() - 1);
  }

  /** Drops the framing colons added by {@link #rfc5952} except where they are part of "::". */
  private static String trimColons(String text) {
    String out = text.startsWith(":::") ? text.substring(1) : text;
    if (!out.startsWith("::")) {
      out = out.substring(1);
    }
    if (out.endsWith(":::")) {
      out = out.substring(0, out.length() - 1);
    } else if (!out.endsWith("::")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
