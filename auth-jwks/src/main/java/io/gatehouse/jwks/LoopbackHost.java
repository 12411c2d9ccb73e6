package io.gatehouse.jwks;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Whether a URL's host is certainly this machine, judged from its text alone (no DNS): the exact
 * name {@code localhost}, an IPv4 literal in 127.0.0.0/8 in strict dotted-quad form, or the IPv6
 * literal {@code [::1]}. A name that merely starts like one ({@code 127.attacker.example}, {@code
 * 127.0.0.1.nip.io}, {@code localhost.example}) resolves wherever its owner wants, so it is not.
 */
final class LoopbackHost {
  private LoopbackHost() {}

  /** {@code host} as {@link java.net.URI#getHost()} returns it (IPv6 literals in brackets). */
  static boolean is(String host) {
    return host.toLowerCase(Locale.ROOT).equals("localhost")
        || isLoopbackIpv4(host)
        || isLoopbackIpv6(host);
  }

  /** Four decimal octets 0-255 without leading zeros, the first 127. */
  private static boolean isLoopbackIpv4(String host) {
    String[] octets = host.split("\\.", -1);
    if (octets.length != 4 || !octets[0].equals("127")) {
      return false;
    }
    for (String octet : octets) {
      if (octet.isEmpty()
          || octet.length() > 3
          || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
          || (octet.length() > 1 && octet.charAt(0) == '0')
          || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  /** {@code [::1]} in any spelling of the same 128 bits ({@code [0:0:0:0:0:0:0:1]}, ...). */
  private static boolean isLoopbackIpv6(String host) {
    if (host.length() < 4 || host.charAt(0) != '[' || host.charAt(host.length() - 1) != ']') {
      return false;
    }
    // Hex digits and colons only: no zone id, no embedded IPv4, and nothing the JDK could take
    // for a name to resolve (a bracketed literal is parsed, never looked up).
    if (!host.substring(1, host.length() - 1)
        .chars()
        .allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)) {
      return false;
    }
    try {
      InetAddress address = InetAddress.getByName(host);
      return address instanceof Inet6Address && address.isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
