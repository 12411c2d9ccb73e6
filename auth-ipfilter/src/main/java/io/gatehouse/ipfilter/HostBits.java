package io.gatehouse.ipfilter;

/** What parsing a CIDR does when bits beyond the prefix are set, as in {@code 10.1.2.3/8}. */
public enum HostBits {
  /** Refuse the CIDR: the text probably does not say what its author meant. The default. */
  REFUSE,
  /** Clear the host bits: {@code 10.1.2.3/8} becomes {@code 10.0.0.0/8}. */
  CLEAR
}
