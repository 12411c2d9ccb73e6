package io.gatehouse.ipfilter;

import io.gatehouse.core.AddressResolution;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.ClientAddressResolver;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the client address: the socket peer, unless it is a trusted proxy (in the CIDRs, or any
 * peer when a hop count stands alone), in which case the forwarding header is walked right to left:
 * by address, stopping at the first hop that is not a trusted proxy; by count, taking exactly that
 * many proxies off.
 */
final class ProxyResolver implements ClientAddressResolver {
  private final @Nullable TrustedProxies fixed;

  /** With {@code fixed} null, each space's {@link IpFilter#PROXIES} setting applies. */
  ProxyResolver(@Nullable TrustedProxies fixed) {
    this.fixed = fixed;
  }

  @Override
  public AddressResolution resolve(AuthRequest request, String space, Settings settings) {
    TrustedProxies proxies = fixed != null ? fixed : settings.get(space, IpFilter.PROXIES);
    return resolve(request, proxies);
  }

  static AddressResolution resolve(AuthRequest request, TrustedProxies proxies) {
    InetAddress peerAddress = request.remoteAddress().getAddress();
    if (peerAddress == null) {
      return AddressResolution.refused(
          Reason.ADDRESS_DENIED, "the socket peer has no IP address (unresolved)");
    }
    IpAddress peer = IpAddress.of(peerAddress);
    InetAddress peerInet =
        (peerAddress instanceof Inet4Address) == peer.isIpv4() ? peerAddress : peer.toInetAddress();
    if (proxies.isNone()) {
      return AddressResolution.resolved(peerInet, "socket peer " + peer);
    }
    ForwardedHeader header = proxies.header();
    // With CIDRs (alone or with a hop count) only a peer inside them may speak for a client.
    if (!proxies.cidrs().isEmpty() && !proxies.trusts(peer)) {
      return AddressResolution.resolved(
          peerInet, "socket peer " + peer + " is not a trusted proxy; " + header + " ignored");
    }
    List<String> lines = request.headers(header.headerName());
    if (lines.isEmpty()) {
      return proxies.byHopCount()
          ? AddressResolution.refused(
              Reason.ADDRESS_DENIED,
              "no "
                  + header
                  + " from "
                  + peer
                  + ", though "
                  + proxies.hops()
                  + " proxies are trusted")
          : AddressResolution.resolved(
              peerInet,
              "socket peer " + peer + " (trusted) sent no " + header + ": it is the client");
    }
    List<ForwardedChain.Hop> hops = new ArrayList<>();
    String malformed = ForwardedChain.parse(lines, header, proxies.maxEntries(), hops);
    if (malformed != null) {
      return AddressResolution.refused(
          Reason.ADDRESS_DENIED, "malformed " + header + ": " + malformed);
    }
    return walk(hops, peer, proxies);
  }

  /** Right to left from the peer; every hop is recorded in the detail. */
  private static AddressResolution walk(
      List<ForwardedChain.Hop> hops, IpAddress peer, TrustedProxies proxies) {
    StringBuilder trail =
        new StringBuilder(64).append(proxies.header()).append(": peer ").append(peer);
    trail.append(
        proxies.trustsAnyPeer() ? " (trusted: a hop count alone trusts any peer)" : " (trusted)");
    int trustedSoFar = 1; // the peer
    for (int i = hops.size() - 1; i >= 0; i--) {
      ForwardedChain.Hop hop = hops.get(i);
      IpAddress address = hop.address();
      if (address == null) {
        trail.append(" <- ").append(hop.label());
        return AddressResolution.refused(
            Reason.ADDRESS_DENIED,
            trail
                .append(": this hop has no address to check, so the client is unknown")
                .toString());
      }
      boolean trusted =
          proxies.byHopCount() ? trustedSoFar < proxies.hops() : proxies.trusts(address);
      if (!trusted || (i == 0 && !proxies.byHopCount())) {
        trail
            .append(" <- ")
            .append(address)
            .append(trusted ? " (client, a trusted address)" : " (client)");
        if (i > 0) {
          trail.append(" [").append(i).append(" earlier entries not used]");
        }
        return AddressResolution.resolved(address.toInetAddress(), trail.toString());
      }
      trail.append(" <- ").append(address).append(" (trusted)");
      trustedSoFar++;
    }
    return AddressResolution.refused(
        Reason.ADDRESS_DENIED,
        trail
            .append(": the header lists ")
            .append(hops.size())
            .append(" hops, but ")
            .append(proxies.hops())
            .append(" trusted proxies are configured, so the client is missing")
            .toString());
  }
}
