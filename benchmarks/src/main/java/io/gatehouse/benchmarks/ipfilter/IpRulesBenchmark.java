package io.gatehouse.benchmarks.ipfilter;

import io.gatehouse.ipfilter.Cidr;
import io.gatehouse.ipfilter.HostBits;
import io.gatehouse.ipfilter.IpAddress;
import io.gatehouse.ipfilter.IpRule;
import io.gatehouse.ipfilter.IpRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * 100,000 mixed IPv4/IPv6 allow and deny CIDRs: {@link IpRules#lookup} beside a linear
 * longest-prefix scan of the same rules, over the same mixed-family probe addresses (half inside a
 * rule, half random). {@code SampleTime} gives the per-lookup median; {@code build} is the time to
 * compile all 100,000 rules. The setup prints the retained heap per rule.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IpRulesBenchmark {
  static final int RULES = 100_000;
  private static final int PROBES = 1 << 14;
  private static final int BATCH = 256;

  private List<String> ruleTexts;
  private List<IpRule> parsedRules;
  private IpRules rules;
  private IpRule[] linear;
  private IpAddress[] probes;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(20_240_601L);
    Set<String> texts = new LinkedHashSet<>();
    while (texts.size() < RULES) {
      texts.add(texts.size() % 2 == 0 ? randomIpv4Cidr(random) : randomIpv6Cidr(random));
    }
    ruleTexts = new ArrayList<>(texts);
    IpRules.Builder builder = IpRules.builder();
    int i = 0;
    for (String text : ruleTexts) {
      Cidr cidr = Cidr.parse(text);
      if (i++ % 4 == 0) {
        builder.deny(cidr);
      } else {
        builder.allow(cidr);
      }
    }
    rules = builder.build();
    parsedRules = rules.rules();
    linear = parsedRules.toArray(new IpRule[0]);
    probes = new IpAddress[PROBES];
    for (int p = 0; p < PROBES; p++) {
      if (p % 2 == 0) {
        probes[p] = linear[random.nextInt(linear.length)].cidr().network();
      } else {
        probes[p] =
            random.nextBoolean()
                ? IpAddress.ipv4(random.nextInt())
                : IpAddress.ipv6(
                    0x2000_0000_0000_0000L | (random.nextLong() >>> 3), random.nextLong());
      }
    }
    reportRetainedMemory();
  }

  /** Half IPv4 CIDRs /8-/32, weighted to /16-/32 as real allowlists are. */
  private static String randomIpv4Cidr(Random random) {
    int prefix = random.nextInt(4) == 0 ? 32 : 8 + random.nextInt(25);
    IpAddress address = IpAddress.ipv4(random.nextInt());
    return masked(address, prefix);
  }

  /** Half IPv6 CIDRs in 2000::/3, /16-/64 or single /128 hosts. */
  private static String randomIpv6Cidr(Random random) {
    int prefix = random.nextInt(4) == 0 ? 128 : 16 + random.nextInt(49);
    IpAddress address =
        IpAddress.ipv6(0x2000_0000_0000_0000L | (random.nextLong() >>> 3), random.nextLong());
    return masked(address, prefix);
  }

  private static String masked(IpAddress address, int prefix) {
    return Cidr.parse(address + "/" + prefix, HostBits.CLEAR).toString();
  }

  /** Heap held by 100,000 rules built from text (all their objects), after full collections. */
  private void reportRetainedMemory() {
    long before = usedHeapAfterGc();
    IpRules.Builder builder = IpRules.builder();
    for (String text : ruleTexts) {
      builder.allow(text);
    }
    IpRules built = builder.build();
    long after = usedHeapAfterGc();
    System.out.printf(
        "%n[ipfilter] %d rules retain %.1f MB: %.0f bytes per rule (%d rules in the table)%n",
        built.size(),
        (after - before) / 1e6,
        (after - before) / (double) built.size(),
        built.size());
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /**
   * A batch of {@value #BATCH} lookups per sample: each sample is then a few microseconds, so the
   * median is free of timer overhead and of the descheduling a shared machine inflicts.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void trieLookup(Blackhole blackhole) {
    int start = next;
    next = start + BATCH;
    for (int i = 0; i < BATCH; i++) {
      blackhole.consume(rules.lookup(probes[(start + i) & (PROBES - 1)]));
    }
  }

  /** One lookup per sample, timer overhead included: an upper bound on a lone lookup. */
  @Benchmark
  public IpRule trieLookupSingle() {
    return rules.lookup(probes[next++ & (PROBES - 1)]);
  }

  @Benchmark
  public IpRule linearScan() {
    IpAddress probe = probes[next++ & (PROBES - 1)];
    IpRule best = null;
    for (IpRule rule : linear) {
      if (rule.cidr().contains(probe)
          && (best == null || rule.cidr().prefixLength() > best.cidr().prefixLength())) {
        best = rule;
      }
    }
    return best;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, batchSize = 1)
  @Measurement(iterations = 10, batchSize = 1)
  public IpRules build() {
    IpRules.Builder builder = IpRules.builder();
    for (IpRule rule : parsedRules) {
      builder.add(rule);
    }
    return builder.build();
  }
}
