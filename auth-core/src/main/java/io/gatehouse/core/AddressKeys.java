package io.gatehouse.core;

/**
 * Who a client address counts as, for anything kept per client (the credential throttle, the token
 * store's reads in flight): an IPv4 address itself, an IPv6 address by its prefix, /{@value
 * #DEFAULT_IPV6_PREFIX_BITS} by default (one subscriber's usual allocation, which it can fill with
 * addresses at will). A key is two longs, so that keying a request allocates nothing; IPv4 and IPv6
 * keys never collide.
 */
public final class AddressKeys {
  /** The IPv6 prefix that counts as one client unless configured otherwise. */
  public static final int DEFAULT_IPV6_PREFIX_BITS = 64;

  private static final AddressKeys DEFAULT = new AddressKeys(DEFAULT_IPV6_PREFIX_BITS);

  private final int prefixBits;

  private AddressKeys(int prefixBits) {
    this.prefixBits = prefixBits;
  }

  /** Keys by the default IPv6 prefix. */
  public static AddressKeys standard() {
    return DEFAULT;
  }

  /** Keys by an IPv6 prefix of {@code bits}, 32 to 128. */
  public static AddressKeys ipv6Prefix(int bits) {
    if (bits < 32 || bits > 128) {
      throw new IllegalArgumentException("ipv6PrefixBits must be in [32, 128], was " + bits);
    }
    return bits == DEFAULT_IPV6_PREFIX_BITS ? DEFAULT : new AddressKeys(bits);
  }

  /** The IPv6 prefix length. */
  public int ipv6PrefixBits() {
    return prefixBits;
  }

  /**
   * The high half of the key of {@code address} (from {@link java.net.InetAddress#getAddress()}):
   * IPv4 0, IPv6 the first 64 bits, masked to the prefix when it is shorter.
   */
  public long hi(byte[] address) {
    if (address.length == 4) {
      return 0;
    }
    long bits = bytesToLong(address, 0);
    return prefixBits >= 64 ? bits : bits & (-1L << (64 - prefixBits));
  }

  /**
   * The low half: IPv4 the address with bit 32 set (no IPv6 key has it), IPv6 the last 64 bits
   * within the prefix.
   */
  public long lo(byte[] address) {
    if (address.length == 4) {
      return (1L << 32) | (bytesToLong4(address) & 0xFFFF_FFFFL);
    }
    if (prefixBits <= 64) {
      return 0;
    }
    long bits = bytesToLong(address, 8);
    return prefixBits == 128 ? bits : bits & (-1L << (128 - prefixBits));
  }

  private static long bytesToLong(byte[] bytes, int from) {
    long value = 0;
    for (int i = from; i < from + 8; i++) {
      value = (value << 8) | (bytes[i] & 0xFF);
    }
    return value;
  }

  private static long bytesToLong4(byte[] bytes) {
    return ((bytes[0] & 0xFFL) << 24)
        | ((bytes[1] & 0xFFL) << 16)
        | ((bytes[2] & 0xFFL) << 8)
        | (bytes[3] & 0xFFL);
  }
}
