package io.gatehouse.benchmarks.report;

/**
 * One result row of a benchmark group: a JMH benchmark (or an adapter load measurement) with its
 * score normalised to nanoseconds per operation, so rows of different units compare.
 *
 * @param name the benchmark method (plus its parameters, if any), e.g. {@code rs256Gatehouse}
 * @param mode JMH's mode: {@code avgt}, {@code sample} (score is the median), {@code thrpt}, {@code
 *     ss} (single shot: shown, never compared)
 * @param score the score as JMH reported it, in {@code unit}
 * @param error JMH's score error (NaN when unknown)
 * @param unit JMH's unit, e.g. {@code us/op} or {@code ops/s}
 * @param nanosPerOp the score as nanoseconds per operation (NaN for single-shot rows)
 */
public record JmhRow(
    String name, String mode, double score, double error, String unit, double nanosPerOp) {

  /** Whether this row takes part in the ratio columns and the chart. */
  boolean comparable() {
    return !"ss".equals(mode) && Double.isFinite(nanosPerOp) && nanosPerOp > 0;
  }
}
