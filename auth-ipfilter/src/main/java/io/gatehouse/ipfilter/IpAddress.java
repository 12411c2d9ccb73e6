package io.gatehouse.ipfilter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address as a value. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are
 * always stored as IPv4, so a rule for {@code 127.0.0.1} also covers {@code ::ffff:127.0.0.1}.
 * {@link #toString()} is the canonical text: dotted quad, or RFC 5952 for IPv6.
 */
public final class IpAddress implements Comparable<IpAddress> {
  /** The upper 96 bits of an IPv4-mapped IPv6 address: {@code ::ffff:0:0/96}. */
  static final long MAPPED_LO_PREFIX = 0x0000_ffff_0000_0000L;

  private final IpFamily family;
  private final long hi;
  private final long lo;

  private IpAddress(IpFamily family, long hi, long lo) {
    this.family = family;
    this.hi = hi;
    this.lo = lo;
  }

  /** The IPv4 address whose 32 bits are {@code bits}. */
  public static IpAddress ipv4(int bits) {
    return new IpAddress(IpFamily.IPV4, 0, bits & 0xFFFF_FFFFL);
  }

  /**
   * The IPv6 address with the 64-bit halves {@code high} and {@code low}; an IPv4-mapped value
   * becomes the IPv4 address it maps.
   */
  public static IpAddress ipv6(long high, long low) {
    if (isMapped(high, low)) {
      return ipv4((int) low);
    }
    return new IpAddress(IpFamily.IPV6, high, low);
  }

  /** The address of an {@link InetAddress} (its scope id, if any, is dropped); never DNS. */
  public static IpAddress of(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return ipv4(
          ((bytes[0] & 0xFF) << 24)
              | ((bytes[1] & 0xFF) << 16)
              | ((bytes[2] & 0xFF) << 8)
              | (bytes[3] & 0xFF));
    }
    return ipv6(longAt(bytes, 0), longAt(bytes, 8));
  }

  /**
   * Parses configuration text strictly (see {@link IpParser#parseAddress(String)}).
   *
   * @throws IllegalArgumentException naming the input and what is wrong with it
   */
  public static IpAddress parse(String text) {
    return IpParser.parseAddress(text).orElseThrow();
  }

  public IpFamily family() {
    return family;
  }

  public boolean isIpv4() {
    return family == IpFamily.IPV4;
  }

  /** The network-order bytes: 4 for IPv4, 16 for IPv6. */
  public byte[] toBytes() {
    if (isIpv4()) {
      return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (hi >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    return bytes;
  }

  /** This address as an {@link InetAddress}, built from its bytes (no lookup of any kind). */
  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always a valid address", e);
    }
  }

  /** True when the 128 bits lie in {@code ::ffff:0:0/96}, the IPv4-mapped range. */
  static boolean isMapped(long high, long low) {
    return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == MAPPED_LO_PREFIX;
  }

  /** The upper 64 bits (always 0 for IPv4). */
  long hi() {
    return hi;
  }

  /** The lower 64 bits; for IPv4 the 32 address bits, unsigned. */
  long lo() {
    return lo;
  }

  private static long longAt(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xFF);
    }
    return value;
  }

  @Override
  public int compareTo(IpAddress other) {
    int byFamily = family.compareTo(other.family);
    if (byFamily != 0) {
      return byFamily;
    }
    int byHi = Long.compareUnsigned(hi, other.hi);
    return byHi != 0 ? byHi : Long.compareUnsigned(lo, other.lo);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof IpAddress that
        && family == that.family
        && hi == that.hi
        && lo == that.lo;
  }

  @Override
  public int hashCode() {
    return Objects.hash(family, hi, lo);
  }

  @Override
  public String toString() {
    return isIpv4() ? formatIpv4(lo) : formatIpv6(hi, lo);
  }

  private static String formatIpv4(long bits) {
    return ((bits >>> 24) & 0xFF)
        + "."
        + ((bits >>> 16) & 0xFF)
        + "."
        + ((bits >>> 8) & 0xFF)
        + "."
        + (bits & 0xFF);
  }

  /** RFC 5952: lower case, no leading zeros, the longest run of 2+ zero groups as {@code ::}. */
  static String formatIpv6(long hi, long lo) {
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      groups[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is never compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) { // strictly longer: the first of equal runs wins
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
