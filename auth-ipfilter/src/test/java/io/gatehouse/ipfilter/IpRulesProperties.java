package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

/** The compiled table agrees with a linear longest-prefix scan; the parser round-trips. */
class IpRulesProperties {

  @Property(tries = 300)
  void ipv4LookupEqualsLinearScan(@ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int n) {
    checkAgainstLinearScan(new Random(seed), n, false, true);
  }

  @Property(tries = 300)
  void ipv6LookupEqualsLinearScan(@ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int n) {
    checkAgainstLinearScan(new Random(seed), n, true, false);
  }

  @Property(tries = 300)
  void mixedLookupEqualsLinearScan(@ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int n) {
    checkAgainstLinearScan(new Random(seed), n, true, true);
  }

  /**
   * Rules are drawn around a few base addresses so that they nest deeply and share starts and ends;
   * probes are drawn near rule edges as well as at random.
   */
  private static void checkAgainstLinearScan(Random random, int n, boolean v6, boolean v4) {
    List<IpAddress> bases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (v4) {
        bases.add(randomAddress(random, false));
      }
      if (v6) {
        bases.add(randomAddress(random, true));
      }
    }
    IpRules.Builder builder = IpRules.builder();
    List<IpRule> linear = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      IpAddress base =
          random.nextInt(4) == 0
              ? randomAddress(random, random.nextBoolean() ? v6 : !v4)
              : bases.get(random.nextInt(bases.size()));
      int width = base.family().bits();
      int prefix = random.nextInt(5) == 0 ? width : random.nextInt(width + 1);
      Cidr cidr = Cidr.masked(base, prefix);
      if (linear.stream().anyMatch(r -> r.cidr().equals(cidr))) {
        continue;
      }
      IpRule rule =
          new IpRule(random.nextBoolean() ? IpRule.Action.ALLOW : IpRule.Action.DENY, cidr);
      builder.add(rule);
      linear.add(rule);
    }
    IpRules rules = builder.build();
    List<IpAddress> probes = new ArrayList<>();
    for (IpRule rule : linear) {
      Cidr cidr = rule.cidr();
      probes.add(cidr.network());
      IpAddress last = address(cidr.family(), cidr.lastHi(), cidr.lastLo());
      probes.add(last);
      probes.add(step(last, 1));
      probes.add(step(cidr.network(), -1));
    }
    for (int i = 0; i < 200; i++) {
      probes.add(randomAddress(random, random.nextBoolean()));
      IpAddress base = bases.get(random.nextInt(bases.size()));
      probes.add(step(base, random.nextInt(1 << 16) - (1 << 15)));
    }
    for (IpAddress probe : probes) {
      assertThat(rules.lookup(probe))
          .as("lookup of %s in %s", probe, linear)
          .isEqualTo(scan(linear, probe));
    }
  }

  /** The reference: the longest matching prefix, found by looking at every rule. */
  static @Nullable IpRule scan(List<IpRule> rules, IpAddress address) {
    IpRule best = null;
    for (IpRule rule : rules) {
      if (rule.cidr().contains(address)
          && (best == null || rule.cidr().prefixLength() > best.cidr().prefixLength())) {
        best = rule;
      }
    }
    return best;
  }

  private static IpAddress randomAddress(Random random, boolean v6) {
    if (!v6) {
      return IpAddress.ipv4(random.nextInt());
    }
    long hi = random.nextInt(3) == 0 ? random.nextLong() : (0x2001_0db8L << 32) | random.nextInt(4);
    return IpAddress.ipv6(hi, random.nextLong());
  }

  static IpAddress address(IpFamily family, long hi, long lo) {
    return family == IpFamily.IPV4 ? IpAddress.ipv4((int) lo) : IpAddress.ipv6(hi, lo);
  }

  /** {@code address + delta}, wrapping within its family. */
  static IpAddress step(IpAddress address, long delta) {
    if (address.isIpv4()) {
      return IpAddress.ipv4((int) (address.lo() + delta));
    }
    long lo = address.lo() + delta;
    long hi = address.hi();
    if (delta > 0 && Long.compareUnsigned(lo, address.lo()) < 0) {
      hi++;
    } else if (delta < 0 && Long.compareUnsigned(lo, address.lo()) > 0) {
      hi--;
    }
    return IpAddress.ipv6(hi, lo);
  }

  @Provide
  Arbitrary<IpAddress> addresses() {
    Arbitrary<IpAddress> v4 = Arbitraries.integers().map(IpAddress::ipv4);
    Arbitrary<IpAddress> v6 =
        Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(IpAddress::ipv6);
    Arbitrary<IpAddress> sparse =
        Combinators.combine(
                Arbitraries.of(0L, 0x2001_0db8_0000_0000L, -1L),
                Arbitraries.of(0L, 1L, 0x1_0000L, 0xffff_0000_0000L, -1L))
            .as(IpAddress::ipv6);
    return Arbitraries.oneOf(v4, v6, sparse);
  }

  @Property(tries = 2000)
  void canonicalTextRoundTrips(@ForAll("addresses") IpAddress address) {
    assertThat(IpAddress.parse(address.toString())).isEqualTo(address);
    assertThat(IpAddress.of(address.toInetAddress())).isEqualTo(address);
    if (!address.isIpv4()) {
      // The uncompressed, zero-padded form parses to the same address.
      StringBuilder full = new StringBuilder();
      byte[] bytes = address.toBytes();
      for (int i = 0; i < 16; i += 2) {
        full.append(i == 0 ? "" : ":").append(String.format("%02x%02x", bytes[i], bytes[i + 1]));
      }
      assertThat(IpAddress.parse(full.toString())).isEqualTo(address);
      assertThat(address.toString())
          .doesNotContain(":::")
          .isEqualTo(address.toString().toLowerCase(java.util.Locale.ROOT));
    } else {
      assertThat(IpAddress.parse("::ffff:" + address)).isEqualTo(address);
    }
  }

  @Property(tries = 2000)
  void parsingArbitraryTextNeverThrows(@ForAll String text) {
    ParseResult<IpAddress> result = IpParser.parseAddress(text);
    if (result.isValid()) {
      assertThat(IpAddress.parse(result.orElseThrow().toString())).isEqualTo(result.orElseThrow());
    }
    var unused = IpParser.parseCidr(text, HostBits.CLEAR);
  }
}
