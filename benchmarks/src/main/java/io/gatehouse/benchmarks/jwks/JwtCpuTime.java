package io.gatehouse.benchmarks.jwks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@link JwtVerifyBenchmark}'s rows timed by the benchmark thread's own CPU time instead of the
 * wall clock, for a machine shared with other work: time spent descheduled is not counted, so a
 * loaded machine moves these figures far less than JMH's. The rows run round-robin (each round
 * gives every row about {@code slice} ms of CPU), so a drift in the machine's speed reaches every
 * row alike; the report is each row's median CPU time per call over the rounds and, for each pair
 * named, the median of the per-round ratios. Not a JMH run (no forks, one JVM for all rows, a
 * megamorphic call per operation): for comparing rows within one run, not for absolute figures.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.gatehouse.benchmarks.jwks.JwtCpuTime \
 *   [rows regex] [rounds] [slice ms]
 * </pre>
 */
public final class JwtCpuTime {
  /** Each call's result is written here, so the JIT cannot drop the call. */
  @SuppressWarnings("UnusedVariable")
  private static volatile Object sink;

  private JwtCpuTime() {}

  public static void main(String[] args) throws Exception {
    Pattern filter = Pattern.compile(args.length > 0 ? args[0] : ".*");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long sliceNanos = (args.length > 2 ? Long.parseLong(args[2]) : 100) * 1_000_000L;
    JwtVerifyBenchmark b = new JwtVerifyBenchmark();
    b.setUp();
    try {
      Map<String, Callable<Object>> all = rows(b);
      Map<String, Callable<Object>> rows = new LinkedHashMap<>();
      all.forEach(
          (name, row) -> {
            if (filter.matcher(name).find()) {
              rows.put(name, row);
            }
          });
      run(rows, rounds, sliceNanos);
    } finally {
      b.tearDown();
    }
  }

  private static Map<String, Callable<Object>> rows(JwtVerifyBenchmark b) {
    Map<String, Callable<Object>> rows = new LinkedHashMap<>();
    rows.put("rs256Gatehouse", b::rs256Gatehouse);
    rows.put("rs256Jca", b::rs256Jca);
    rows.put("rs256CryptoAlone", b::rs256CryptoAlone);
    rows.put("rs256Auth0", b::rs256Auth0);
    rows.put("ps256Gatehouse", b::ps256Gatehouse);
    rows.put("ps256Jca", b::ps256Jca);
    rows.put("ps256CryptoAlone", b::ps256CryptoAlone);
    rows.put("es256Gatehouse", b::es256Gatehouse);
    rows.put("es256Jca", b::es256Jca);
    rows.put("es256CryptoAlone", b::es256CryptoAlone);
    rows.put("eddsaGatehouse", b::eddsaGatehouse);
    rows.put("eddsaJca", b::eddsaJca);
    rows.put("eddsaCryptoAlone", b::eddsaCryptoAlone);
    rows.put("hs256Gatehouse", b::hs256Gatehouse);
    rows.put("hs256Auth0", b::hs256Auth0);
    rows.put("hs256Jca", b::hs256Jca);
    rows.put("hs256CryptoAlone", b::hs256CryptoAlone);
    rows.put("hs256Nimbus", b::hs256Nimbus);
    rows.put("hs256Jjwt", b::hs256Jjwt);
    return rows;
  }

  private static void run(Map<String, Callable<Object>> rows, int rounds, long sliceNanos)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<String> names = new ArrayList<>(rows.keySet());
    double[][] perCall = new double[names.size()][rounds];
    // Warm-up: five slices each, so the JIT has compiled every row before a round counts.
    for (int w = 0; w < 5; w++) {
      for (String name : names) {
        slice(rows.get(name), sliceNanos, threads);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (int n = 0; n < names.size(); n++) {
        perCall[n][r] = slice(rows.get(names.get(n)), sliceNanos, threads);
      }
    }
    System.out.printf(Locale.ROOT, "%-20s %12s %12s %12s%n", "row", "median ns", "p25", "p75");
    for (int n = 0; n < names.size(); n++) {
      double[] sorted = perCall[n].clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "%-20s %12.1f %12.1f %12.1f%n",
          names.get(n),
          sorted[rounds / 2],
          sorted[rounds / 4],
          sorted[rounds * 3 / 4]);
    }
    // Each family's Gatehouse row against the others of the family, per round.
    for (int a = 0; a < names.size(); a++) {
      String own = names.get(a);
      if (!own.endsWith("Gatehouse")) {
        continue;
      }
      String family = own.substring(0, own.length() - "Gatehouse".length());
      for (int o = 0; o < names.size(); o++) {
        String other = names.get(o);
        if (o == a || !other.startsWith(family)) {
          continue;
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = perCall[o][r] / perCall[a][r];
        }
        Arrays.sort(ratios);
        System.out.printf(
            Locale.ROOT,
            "speed %s / %s: median %.3f (p25 %.3f, p75 %.3f)%n",
            own,
            other,
            ratios[rounds / 2],
            ratios[rounds / 4],
            ratios[rounds * 3 / 4]);
      }
    }
  }

  /** Calls {@code row} for about {@code sliceNanos} of this thread's CPU; CPU ns per call. */
  private static double slice(Callable<Object> row, long sliceNanos, ThreadMXBean threads)
      throws Exception {
    long start = threads.getCurrentThreadCpuTime();
    long calls = 0;
    long spent;
    do {
      for (int i = 0; i < 64; i++) {
        sink = row.call();
      }
      calls += 64;
      spent = threads.getCurrentThreadCpuTime() - start;
    } while (spent < sliceNanos);
    return (double) spent / calls;
  }
}
