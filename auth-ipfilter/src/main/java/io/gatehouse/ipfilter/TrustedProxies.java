package io.gatehouse.ipfilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which socket peers are reverse proxies whose forwarding header is believed, and which header that
 * is. Either by address ({@link Builder#trust(String...)}: each hop is checked against the CIDRs)
 * or by count ({@link Builder#hops(int)}: exactly that many proxies stand in front of the app).
 * {@link #NONE}, the default, trusts no header: the socket peer is the client.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.builder().trust("10.0.0.0/8", "fd00::/8").build();
 * TrustedProxies cloud = TrustedProxies.builder().hops(2).header(ForwardedHeader.FORWARDED).build();
 * }</pre>
 */
public final class TrustedProxies {
  /** Default bound on the entries of a forwarding header; longer headers are refused. */
  public static final int DEFAULT_MAX_ENTRIES = 32;

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

  /** The trusted proxy blocks (empty when trusting by hop count). */
  public List<Cidr> cidrs() {
    return cidrs;
  }

  /** The number of proxies in front of the app when trusting by count, else 0. */
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

  /** True when trusting by hop count rather than by address. */
  boolean byHopCount() {
    return hops > 0;
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
    return "TrustedProxies["
        + (byHopCount() ? hops + " hops" : cidrs.toString())
        + ", "
        + header
        + ", max "
        + maxEntries
        + " entries]";
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
     * header. Requests whose header lists fewer hops are refused.
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
     * @throws IllegalStateException when neither or both of CIDRs and hop count are set, or the hop
     *     count does not fit the header
     */
    public TrustedProxies build() {
      if (cidrs.isEmpty() == (hops == 0)) {
        throw new IllegalStateException(
            "trust proxies either by CIDR or by hop count (exactly one); use TrustedProxies.NONE"
                + " to trust none");
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
      return new TrustedProxies(trusted.build(), cidrs, hops, header, maxEntries);
    }
  }
}
