package io.gatehouse.benchmarks.ipfilter;

import io.gatehouse.ipfilter.IpRule;
import io.gatehouse.ipfilter.IpRules;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time to compile 1,000 or 100,000 rules ({@link RuleSet}) into an {@link IpRules} (single
 * shot: shown, never compared). The setup prints the heap the compiled rules retain per rule.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, batchSize = 1)
@Measurement(iterations = 10, batchSize = 1)
@Fork(1)
public class IpRulesBuildBenchmark {

  @Param({"1000", "100000"})
  public int rules;

  private RuleSet set;

  @Setup
  public void setUp() {
    set = RuleSet.generate(rules);
    reportRetainedMemory();
  }

  /** Heap held by the rules (all their objects) and their compiled tables, after full GCs. */
  private void reportRetainedMemory() {
    long before = usedHeapAfterGc();
    // Only the compiled rules stay reachable: the generator's raw bits are garbage by now.
    IpRules built = RuleSet.generate(rules).compile();
    long after = usedHeapAfterGc();
    System.out.printf(
        "%n[ipfilter] %d rules retain %.1f MB: %.0f bytes per rule%n",
        built.size(), (after - before) / 1e6, (after - before) / (double) built.size());
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  @Benchmark
  public IpRules build() {
    IpRules.Builder builder = IpRules.builder();
    for (IpRule rule : set.rules) {
      builder.add(rule);
    }
    return builder.build();
  }
}
