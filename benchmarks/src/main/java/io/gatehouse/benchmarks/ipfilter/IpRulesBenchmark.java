package io.gatehouse.benchmarks.ipfilter;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv4.IPv4AddressAssociativeTrie;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv6.IPv6AddressAssociativeTrie;
import io.gatehouse.ipfilter.IpAddress;
import io.gatehouse.ipfilter.IpRule;
import io.gatehouse.ipfilter.IpRules;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Longest-prefix lookups in 1,000 and 100,000 mixed IPv4/IPv6 allow and deny CIDRs ({@link
 * RuleSet}): {@link IpRules#lookup} ({@code lookupGatehouse}) beside the associative tries of
 * {@code com.github.seancfoley:ipaddress} ({@code lookupIpAddress}, one per family, the rule as
 * each node's value) and a linear longest-prefix scan of the same rules ({@code lookupLinearScan},
 * the floor). Each {@code probes} value is its own family of rows: IPv4 or IPv6 addresses inside a
 * rule (random host bits under a random rule's prefix) or inside none.
 *
 * <p>Both libraries get their own address objects, made in the setup: the measurement is the
 * lookup, not the parsing. The setup checks that the two tries agree on the matched rule (or none)
 * for every probe, and the linear scan for the first {@value #CHECKED_AGAINST_SCAN}, so the rows
 * measure the same answer.
 *
 * <p>{@code SampleTime} gives the per-lookup median; the trie lookups run in batches of {@value
 * #BATCH} per sample, so their median is free of timer overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IpRulesBenchmark {
  private static final int PROBES = 1 << 12;
  private static final int BATCH = 256;
  private static final int CHECKED_AGAINST_SCAN = 256;

  /** How many rules (half of each family). */
  @Param({"1000", "100000"})
  public int rules;

  /** Which addresses are looked up: {@code ipv4Hit}, {@code ipv4Miss}, {@code ipv6Hit}, ... */
  @Param({"ipv4Hit", "ipv4Miss", "ipv6Hit", "ipv6Miss"})
  public String probes;

  private IpRules gatehouse;
  private IPv4AddressAssociativeTrie<IpRule> ipv4Trie;
  private IPv6AddressAssociativeTrie<IpRule> ipv6Trie;
  private IpRule[] linear;
  private IpAddress[] gatehouseProbes;
  private IPAddress[] ipAddressProbes;
  private int next;

  @Setup
  public void setUp() {
    RuleSet set = RuleSet.generate(rules);
    gatehouse = set.compile();
    linear = set.rules.toArray(new IpRule[0]);
    ipv4Trie = new IPv4AddressAssociativeTrie<>();
    ipv6Trie = new IPv6AddressAssociativeTrie<>();
    for (int i = 0; i < set.size(); i++) {
      if (set.ipv4[i]) {
        ipv4Trie.put(new IPv4Address((int) set.low[i], set.prefix[i]).toPrefixBlock(), linear[i]);
      } else {
        ipv6Trie.put(
            new IPv6Address(set.high[i], set.low[i], set.prefix[i]).toPrefixBlock(), linear[i]);
      }
    }
    makeProbes(set);
    checkAgreement();
  }

  private void makeProbes(RuleSet set) {
    boolean wantIpv4 = probes.startsWith("ipv4");
    boolean wantHit;
    if (probes.endsWith("Hit")) {
      wantHit = true;
    } else if (probes.endsWith("Miss")) {
      wantHit = false;
    } else {
      throw new IllegalArgumentException("unknown probes " + probes);
    }
    Random random = new Random(RuleSet.SEED + 1);
    gatehouseProbes = new IpAddress[PROBES];
    ipAddressProbes = new IPAddress[PROBES];
    int made = 0;
    for (int attempt = 0; made < PROBES; attempt++) {
      if (attempt > 100 * PROBES) {
        throw new IllegalStateException("cannot draw enough " + probes + " probes");
      }
      long high;
      long low;
      if (wantHit) {
        int rule = random.nextInt(set.size());
        if (set.ipv4[rule] != wantIpv4) {
          continue;
        }
        int length = set.prefix[rule];
        if (wantIpv4) {
          high = 0;
          low = set.low[rule] | (random.nextLong() & (0xFFFF_FFFFL >>> length));
        } else if (length <= 64) {
          high = set.high[rule] | (length == 64 ? 0 : random.nextLong() & (-1L >>> length));
          low = random.nextLong();
        } else {
          high = set.high[rule];
          low = set.low[rule] | (length == 128 ? 0 : random.nextLong() & (-1L >>> (length - 64)));
        }
      } else if (wantIpv4) {
        high = 0;
        low = random.nextLong() & 0xFFFF_FFFFL;
      } else {
        high = 0x2000_0000_0000_0000L | (random.nextLong() >>> 3);
        low = random.nextLong();
      }
      IpAddress address = wantIpv4 ? IpAddress.ipv4((int) low) : IpAddress.ipv6(high, low);
      if ((gatehouse.lookup(address) != null) != wantHit) {
        continue;
      }
      gatehouseProbes[made] = address;
      ipAddressProbes[made] = wantIpv4 ? new IPv4Address((int) low) : new IPv6Address(high, low);
      made++;
    }
  }

  /** The three answer with the same rule (or none) for every probe, else the rows are not peers. */
  private void checkAgreement() {
    for (int p = 0; p < PROBES; p++) {
      IpRule expected = gatehouse.lookup(gatehouseProbes[p]);
      IpRule fromTrie = lookupIpAddress(ipAddressProbes[p]);
      if (!Objects.equals(expected, fromTrie)) {
        throw new IllegalStateException(
            "ipaddress's trie and Gatehouse disagree on "
                + gatehouseProbes[p]
                + ": "
                + fromTrie
                + " vs "
                + expected);
      }
      if (p < CHECKED_AGAINST_SCAN && !Objects.equals(scan(gatehouseProbes[p]), expected)) {
        throw new IllegalStateException("the linear scan and Gatehouse disagree on " + p);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void lookupGatehouse(Blackhole blackhole) {
    int start = next;
    next = start + BATCH;
    for (int i = 0; i < BATCH; i++) {
      blackhole.consume(gatehouse.lookup(gatehouseProbes[(start + i) & (PROBES - 1)]));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void lookupIpAddress(Blackhole blackhole) {
    int start = next;
    next = start + BATCH;
    for (int i = 0; i < BATCH; i++) {
      blackhole.consume(lookupIpAddress(ipAddressProbes[(start + i) & (PROBES - 1)]));
    }
  }

  private IpRule lookupIpAddress(IPAddress address) {
    var node =
        address.isIPv4()
            ? ipv4Trie.longestPrefixMatchNode(address.toIPv4())
            : ipv6Trie.longestPrefixMatchNode(address.toIPv6());
    return node == null ? null : node.getValue();
  }

  /** The floor: every rule tested, the longest matching prefix kept. One lookup per sample. */
  @Benchmark
  public IpRule lookupLinearScan() {
    return scan(gatehouseProbes[next++ & (PROBES - 1)]);
  }

  private IpRule scan(IpAddress probe) {
    IpRule best = null;
    for (IpRule rule : linear) {
      if (rule.cidr().contains(probe)
          && (best == null || rule.cidr().prefixLength() > best.cidr().prefixLength())) {
        best = rule;
      }
    }
    return best;
  }
}
