package io.gatehouse.ipfilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which socket peers are reverse proxies whose forwarding header is believed, and which header that
 * is. Three ways:
 *
 * <ul>
 *   <li>by address ({@link Builder#trust(String...)}): the header counts only when the socket peer
 *       is in the CIDRs, and it is walked right to left while each hop is in them too;
 *   <li>by address and count ({@code trust(...)} and {@link Builder#hops(int)}, the safe way to use
 *       a count): the header counts only when the socket peer is in the CIDRs, and then exactly
 *       that many proxies are taken off its right end, whatever their addresses (a CDN in front of
 *       your own load balancer);
 *   <li>by count alone ({@code hops(n)}): the header of <em>any</em> peer is believed. A client
 *       that reaches the port directly (not through the proxy) picks its own address by sending
 *       {@code X-Forwarded-For}, past allowlists and per-address throttles. Use it only when
 *       nothing but the proxies can reach the port; {@link Builder#build()} logs a warning.
 * </ul>
 *
 * {@link #NONE}, the default, trusts no header: the socket peer is the client.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.builder().trust("10.0.0.0/8", "fd00::/8").build();
 * TrustedProxies cloud =
 *     TrustedProxies.builder().trust("10.0.0.0/8").hops(2).header(ForwardedHeader.FORWARDED).build();
 * }</pre>
 */
public final class TrustedProxies {
  /** Default bound on the entries of a forwarding header; longer headers are refused. */
  public static final int DEFAULT_MAX_ENTRIES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(TrustedProxies.class);

  /**
   * Hop counts already warned about: settings are rebuilt on every reload, the log said it once.
   */
  private static final Set<Integer> WARNED = ConcurrentHashMap.newKeySet();

  /** Trust no proxy and no header. */
  public static final TrustedProxies NONE =
      new TrustedProxies(IpRules.NONE, List.of(), 0, ForwardedHeader.X_FORWARDED_FOR, 1);

  private final IpRules trusted;
  private final List<Cidr> cidrs;
  private final int hops;
  private final ForwardedHeader header;
  private final int maxEntries;

  private TrustedProxies(
      IpRules trusted, List<Cidr> cidrs, int hops, ForwardedHeader header, int maxEntries) {
    this.trusted = trusted;
    this.cidrs = List.copyOf(cidrs);
    this.hops = hops;
    this.header = header;
    this.maxEntries = maxEntries;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True for {@link #NONE}: no header is read. */
  public boolean isNone() {
    return hops == 0 && cidrs.isEmpty();
  }

  /** The trusted proxy blocks; empty when trusting by hop count alone. */
  public List<Cidr> cidrs() {
    return cidrs;
  }

  /**
   * The number of proxies in front of the app when trusting by count (alone or with CIDRs), else 0.
   */
  public int hops() {
    return hops;
  }

  public ForwardedHeader header() {
    return header;
  }

  /** A forwarding header with more entries than this is refused. */
  public int maxEntries() {
    return maxEntries;
  }

  /** True when a hop count says how many entries to take off the header. */
  boolean byHopCount() {
    return hops > 0;
  }

  /**
   * True when the header of any socket peer is believed: a hop count without CIDRs. A client that
   * connects directly then chooses its own address.
   */
  public boolean trustsAnyPeer() {
    return hops > 0 && cidrs.isEmpty();
  }

  /** True when {@code address} is in a trusted proxy block. */
  boolean trusts(IpAddress address) {
    return trusted.lookup(address) != null;
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "TrustedProxies[none]";
    }
    String trust =
        !byHopCount()
            ? cidrs.toString()
            : cidrs.isEmpty() ? hops + " hops from any peer" : hops + " hops from " + cidrs;
    return "TrustedProxies[" + trust + ", " + header + ", max " + maxEntries + " entries]";
  }

  /** Configures {@link TrustedProxies}; every setter checks its argument at once. */
  public static final class Builder {
    private final List<Cidr> cidrs = new ArrayList<>();
    private int hops;
    private ForwardedHeader header = ForwardedHeader.X_FORWARDED_FOR;
    private int maxEntries = DEFAULT_MAX_ENTRIES;

    private Builder() {}

    /** Trusts proxies at these CIDRs (or bare addresses), parsed strictly. */
    public Builder trust(String... cidrs) {
      for (String cidr : cidrs) {
        trust(Cidr.parse(cidr));
      }
      return this;
    }

    public Builder trust(Cidr cidr) {
      cidrs.add(Objects.requireNonNull(cidr, "cidr"));
      return this;
    }

    /**
     * Trusts exactly {@code count} proxies in front of the app, whatever their addresses: the
     * socket peer is the first; the client is the {@code count}-th entry from the right of the
     * header. Requests whose header lists fewer hops are refused. Combine it with {@link
     * #trust(String...)} so that only headers from a socket peer in those CIDRs count; without
     * CIDRs any peer's header is believed (see the class comment).
     */
    public Builder hops(int count) {
      if (count < 1 || count > 100) {
        throw new IllegalArgumentException("hops must be 1-100, was " + count);
      }
      this.hops = count;
      return this;
    }

    /** The header to read; default {@link ForwardedHeader#X_FORWARDED_FOR}. */
    public Builder header(ForwardedHeader header) {
      this.header = Objects.requireNonNull(header, "header");
      return this;
    }

    /**
     * Forwarding headers with more entries (over all their lines) are refused as malformed, which
     * bounds the work a request can cause; default {@value #DEFAULT_MAX_ENTRIES}.
     */
    public Builder maxEntries(int max) {
      if (max < 1 || max > 1000) {
        throw new IllegalArgumentException("maxEntries must be 1-1000, was " + max);
      }
      this.maxEntries = max;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalStateException when neither CIDRs nor a hop count is set, or the hop count
     *     does not fit the header
     */
    public TrustedProxies build() {
      if (cidrs.isEmpty() && hops == 0) {
        throw new IllegalStateException(
            "trust proxies by CIDR, by hop count, or both; use TrustedProxies.NONE to trust none");
      }
      if (header == ForwardedHeader.X_REAL_IP && hops > 1) {
        throw new IllegalStateException(
            "X-Real-IP holds one address, so it fits 1 trusted hop, not " + hops);
      }
      if (hops > maxEntries) {
        throw new IllegalStateException(
            "hops (" + hops + ") cannot exceed maxEntries (" + maxEntries + ")");
      }
      IpRules.Builder trusted = IpRules.builder();
      for (Cidr cidr : cidrs) {
        trusted.allow(cidr);
      }
      TrustedProxies built = new TrustedProxies(trusted.build(), cidrs, hops, header, maxEntries);
      if (built.trustsAnyPeer() && WARNED.add(hops)) {
        LOG.warn(
            "trusting {} proxy hop(s) without proxy CIDRs: any client that reaches this port"
                + " directly chooses its own address with {}; add the proxies' CIDRs"
                + " (TrustedProxies.builder().trust(...).hops({}))",
            hops,
            header,
            hops);
      }
      return built;
    }
  }
}
