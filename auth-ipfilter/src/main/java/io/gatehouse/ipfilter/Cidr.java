package io.gatehouse.ipfilter;

import java.util.Objects;

/**
 * An address block: a network address and a prefix length, with no host bits set. A bare address
 * parses as a /32 or /128.
 *
 * @param network the first address of the block
 * @param prefixLength 0-32 for IPv4, 0-128 for IPv6
 */
public record Cidr(IpAddress network, int prefixLength) {

  public Cidr {
    Objects.requireNonNull(network, "network");
    int width = network.family().bits();
    if (prefixLength < 0 || prefixLength > width) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " is outside 0-" + width + " for " + network);
    }
    if ((network.hi() & ~hiMask(network.family(), prefixLength)) != 0
        || (network.lo() & ~loMask(network.family(), prefixLength)) != 0) {
      throw new IllegalArgumentException(
          network
              + "/"
              + prefixLength
              + " has host bits set; did you mean "
              + masked(network, prefixLength)
              + "?");
    }
  }

  /**
   * Parses configuration text; a CIDR with host bits set is refused.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static Cidr parse(String text) {
    return parse(text, HostBits.REFUSE);
  }

  /**
   * Parses configuration text, treating host bits as {@code hostBits} says.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static Cidr parse(String text, HostBits hostBits) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(hostBits, "hostBits");
    return IpParser.parseCidr(text, hostBits).orElseThrow();
  }

  /** The block of just {@code address}: a /32 or /128. */
  public static Cidr of(IpAddress address) {
    return new Cidr(address, address.family().bits());
  }

  public IpFamily family() {
    return network.family();
  }

  /** True when {@code address} is of this block's family and inside it. */
  public boolean contains(IpAddress address) {
    IpFamily family = network.family();
    return address.family() == family
        && (address.hi() & hiMask(family, prefixLength)) == network.hi()
        && (address.lo() & loMask(family, prefixLength)) == network.lo();
  }

  /** True when every address of {@code other} is in this block. */
  public boolean contains(Cidr other) {
    return other.prefixLength >= prefixLength && contains(other.network);
  }

  /** The last address's high 64 bits. */
  long lastHi() {
    return network.hi()
        | (~hiMask(network.family(), prefixLength) & familyHiBits(network.family()));
  }

  /** The last address's low 64 bits. */
  long lastLo() {
    return network.lo()
        | (~loMask(network.family(), prefixLength) & familyLoBits(network.family()));
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }

  /** The block of {@code prefixLength} containing {@code address} (host bits cleared). */
  static Cidr masked(IpAddress address, int prefixLength) {
    IpFamily family = address.family();
    long hi = address.hi() & hiMask(family, prefixLength);
    long lo = address.lo() & loMask(family, prefixLength);
    return new Cidr(
        family == IpFamily.IPV4 ? IpAddress.ipv4((int) lo) : IpAddress.ipv6(hi, lo), prefixLength);
  }

  static long hiMask(IpFamily family, int prefixLength) {
    if (family == IpFamily.IPV4 || prefixLength == 0) {
      return 0;
    }
    return prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
  }

  static long loMask(IpFamily family, int prefixLength) {
    if (family == IpFamily.IPV4) {
      return prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
    }
    return prefixLength <= 64 ? 0 : -1L << (128 - prefixLength);
  }

  private static long familyHiBits(IpFamily family) {
    return family == IpFamily.IPV4 ? 0 : -1L;
  }

  private static long familyLoBits(IpFamily family) {
    return family == IpFamily.IPV4 ? 0xFFFF_FFFFL : -1L;
  }
}
