package io.gatehouse.benchmarks.ipfilter;

import io.gatehouse.ipfilter.Cidr;
import io.gatehouse.ipfilter.IpAddress;
import io.gatehouse.ipfilter.IpRule;
import io.gatehouse.ipfilter.IpRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A reproducible set of distinct allow and deny CIDRs, half IPv4 and half IPv6, as the benchmarks
 * of this group share it. IPv4 rules are /16 to /32 (a quarter of them /32 hosts), IPv6 rules lie
 * in 2000::/3 and are /16 to /64 (a quarter /128 hosts); one rule in four is a deny. With these
 * prefixes a random address of either family is outside every rule most of the time, so misses can
 * be drawn from the same address space as hits.
 *
 * <p>Each rule is kept as raw bits too ({@link #high}, {@link #low}, {@link #prefix}), so the peer
 * library's tries are built from the same values, not from text.
 */
final class RuleSet {
  static final long SEED = 20_240_601L;

  final List<IpRule> rules;
  final long[] high;
  final long[] low;
  final int[] prefix;
  final boolean[] ipv4;

  private RuleSet(List<IpRule> rules, long[] high, long[] low, int[] prefix, boolean[] ipv4) {
    this.rules = rules;
    this.high = high;
    this.low = low;
    this.prefix = prefix;
    this.ipv4 = ipv4;
  }

  /** {@code count} distinct rules, the same ones for the same count on every run. */
  static RuleSet generate(int count) {
    Random random = new Random(SEED);
    Set<Cidr> cidrs = new LinkedHashSet<>();
    while (cidrs.size() < count) {
      cidrs.add(cidrs.size() % 2 == 0 ? randomIpv4Cidr(random) : randomIpv6Cidr(random));
    }
    List<IpRule> rules = new ArrayList<>(count);
    long[] high = new long[count];
    long[] low = new long[count];
    int[] prefix = new int[count];
    boolean[] ipv4 = new boolean[count];
    int i = 0;
    for (Cidr cidr : cidrs) {
      rules.add(new IpRule(i % 4 == 0 ? IpRule.Action.DENY : IpRule.Action.ALLOW, cidr));
      byte[] bytes = cidr.network().toBytes();
      ipv4[i] = cidr.network().isIpv4();
      if (ipv4[i]) {
        low[i] = Integer.toUnsignedLong(int32(bytes, 0));
      } else {
        high[i] = int64(bytes, 0);
        low[i] = int64(bytes, 8);
      }
      prefix[i] = cidr.prefixLength();
      i++;
    }
    return new RuleSet(List.copyOf(rules), high, low, prefix, ipv4);
  }

  IpRules compile() {
    IpRules.Builder builder = IpRules.builder();
    for (IpRule rule : rules) {
      builder.add(rule);
    }
    return builder.build();
  }

  int size() {
    return rules.size();
  }

  private static Cidr randomIpv4Cidr(Random random) {
    int length = random.nextInt(4) == 0 ? 32 : 16 + random.nextInt(16);
    int bits = random.nextInt() & (int) (0xFFFF_FFFFL << (32 - length));
    return new Cidr(IpAddress.ipv4(bits), length);
  }

  private static Cidr randomIpv6Cidr(Random random) {
    int length = random.nextInt(4) == 0 ? 128 : 16 + random.nextInt(49);
    long high = 0x2000_0000_0000_0000L | (random.nextLong() >>> 3);
    long low = random.nextLong();
    if (length <= 64) {
      high &= -1L << (64 - length);
      low = 0;
    } else if (length < 128) {
      low &= -1L << (128 - length);
    }
    return new Cidr(IpAddress.ipv6(high, low), length);
  }

  static int int32(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) << 24
        | (bytes[offset + 1] & 0xFF) << 16
        | (bytes[offset + 2] & 0xFF) << 8
        | (bytes[offset + 3] & 0xFF);
  }

  static long int64(byte[] bytes, int offset) {
    return (long) int32(bytes, offset) << 32 | Integer.toUnsignedLong(int32(bytes, offset + 4));
  }
}
