package io.gatehouse.core;

import java.net.InetAddress;

/** Allows or denies a client address, per space. {@code auth-ipfilter} supplies the CIDR trie. */
@FunctionalInterface
public interface AddressFilter {

  /**
   * Checks {@code address} against {@code space}'s rules in {@code settings}. Must not throw and
   * must not do I/O (it runs on the request thread).
   */
  AddressVerdict check(InetAddress address, String space, Settings settings);
}
