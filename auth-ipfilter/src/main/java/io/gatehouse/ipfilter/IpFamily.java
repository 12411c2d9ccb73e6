package io.gatehouse.ipfilter;

/** The address family. A rule of one family never matches an address of the other. */
public enum IpFamily {
  IPV4(32),
  IPV6(128);

  private final int bits;

  IpFamily(int bits) {
    this.bits = bits;
  }

  /** The address width in bits: 32 or 128. */
  public int bits() {
    return bits;
  }
}
