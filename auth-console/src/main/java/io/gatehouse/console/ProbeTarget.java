package io.gatehouse.console;

import io.gatehouse.core.Redact;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which URLs the console's JWKS test fetch may reach. The issuer URL rule: {@code https} to any
 * host; {@code http} only to loopback, named as an IP literal (127.0.0.0/8, {@code [::1]}) or as
 * {@code localhost}, never by a string prefix ({@code http://127.0.0.1.nip.io/} is a host name, and
 * refused). On top of it, whatever the scheme, never a link-local or cloud metadata address
 * (169.254.0.0/16, fe80::/10, 0.0.0.0/8, {@code ::}, fd00:ec2::254, and their IPv4-mapped and NAT64
 * forms), whether the URL names the address or a host name resolves to it.
 *
 * <p>A probe URL is typed by an operator, not taken from a request, so resolving its host name here
 * is allowed. The host is resolved once, every address it resolves to is checked (one forbidden
 * address refuses the URL), and the fetch then connects only to a checked address: over {@code
 * http} the URL is rewritten to the checked loopback literal; over {@code https} the connection's
 * peer is compared with the checked addresses before the TLS handshake (see {@link JwksProbe}). A
 * DNS answer that changes between the check and the connection (DNS rebinding) is refused.
 *
 * <p>Kept apart from {@code auth-jwks}'s issuer rule for now; the two may be unified later.
 */
final class ProbeTarget {
  /** Looks a host name up; {@link InetAddress#getAllByName} outside tests. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A dotted quad, each part 0-255 without leading zeros: the only IPv4 form taken as literal. */
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  /** fd00:ec2::254, the IPv6 address of a cloud instance metadata service. */
  private static final byte[] METADATA_V6 = {
    (byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54
  };

  private static final String UNSPECIFIED = "an unspecified address (0.0.0.0/8, ::)";

  private ProbeTarget() {}

  /** Only absolute http(s) URLs with a host that the rule allows; the message names the problem. */
  static URI parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + Redact.safe(url), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "a JWKS URL starts with https:// (http:// only for loopback)");
    }
    String host = uri.getHost();
    if (host == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("a JWKS URL needs a host and no user name or password");
    }
    if (scheme.equals("http") && !isLiteral(host) && !host.equalsIgnoreCase("localhost")) {
      throw onlyLoopback(host);
    }
    return uri;
  }

  private static IllegalArgumentException onlyLoopback(String host) {
    return new IllegalArgumentException(
        "http:// is allowed only for loopback (127.0.0.0/8, [::1] or localhost): use https:// for"
            + " host '"
            + Redact.safe(host)
            + "'");
  }

  /**
   * The addresses the fetch may connect to: every address of the host, each checked. IP literals
   * are parsed without any lookup.
   *
   * @throws IllegalArgumentException when an address is forbidden (the message says why)
   * @throws UnknownHostException when the host name does not resolve
   */
  static List<InetAddress> resolve(URI uri, Resolver resolver) throws UnknownHostException {
    String host = uri.getHost();
    boolean literal = isLiteral(host);
    InetAddress[] addresses = literal ? new InetAddress[] {literal(host)} : resolver.resolve(host);
    if (addresses.length == 0) {
      throw new UnknownHostException("no address");
    }
    boolean http = uri.getScheme().equalsIgnoreCase("http");
    for (InetAddress address : addresses) {
      String forbidden = forbidden(address);
      if (forbidden != null) {
        throw new IllegalArgumentException(
            literal
                ? "a JWKS URL may not point at " + forbidden
                : "the host '" + Redact.safe(host) + "' resolves to " + forbidden + ": refused");
      }
      if (http && !address.isLoopbackAddress()) {
        throw onlyLoopback(host);
      }
    }
    return List.of(addresses);
  }

  private static InetAddress literal(String host) {
    if (host.indexOf('%') >= 0) {
      throw new IllegalArgumentException("a JWKS URL may not name an IPv6 zone");
    }
    try {
      return InetAddress.getByName(host); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + Redact.safe(host), e);
    }
  }

  /** What kind of forbidden address this is, or null when the fetch may reach it. */
  static @Nullable String forbidden(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address) {
      if (bytes[0] == (byte) 0xfe && (bytes[1] & 0xc0) == 0x80) {
        return "a link-local address (fe80::/10)";
      }
      if (address.isAnyLocalAddress()) {
        return UNSPECIFIED;
      }
      if (Arrays.equals(bytes, METADATA_V6)) {
        return "a cloud metadata address (fd00:ec2::254)";
      }
      byte[] embedded = embeddedIpv4(bytes);
      if (embedded == null) {
        return null;
      }
      bytes = embedded;
    }
    if ((bytes[0] & 0xff) == 169 && (bytes[1] & 0xff) == 254) {
      return "a link-local or cloud metadata address (169.254.0.0/16)";
    }
    if (bytes[0] == 0) {
      return UNSPECIFIED;
    }
    return null;
  }

  /** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) address. */
  private static byte @Nullable [] embeddedIpv4(byte[] v6) {
    boolean mapped = allZero(v6, 0, 10) && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    boolean nat64 = v6[0] == 0 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b;
    nat64 = nat64 && allZero(v6, 4, 12);
    return mapped || nat64 ? Arrays.copyOfRange(v6, 12, 16) : null;
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** True for a bracketed IPv6 literal or a strict dotted quad: parsed, never looked up. */
  static boolean isLiteral(String host) {
    return host.startsWith("[") || DOTTED_QUAD.matcher(host).matches();
  }

  /** The address as a URL host: IPv6 in brackets. */
  static String urlHost(InetAddress address) {
    String text = address.getHostAddress();
    return address instanceof Inet4Address ? text : "[" + text + "]";
  }
}
