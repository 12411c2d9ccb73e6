package io.gatehouse.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** Reads the JSON file JMH writes with {@code -rf json -rff FILE}. */
final class JmhJson {

  private JmhJson() {}

  static List<JmhRow> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  static List<JmhRow> parse(String json, String source) {
    Map<String, Object> wrapped;
    try {
      // jose4j's parser reads objects only; JMH writes a top-level array.
      wrapped = JsonUtil.parseJson("{\"runs\":" + json + "}");
    } catch (JoseException e) {
      throw new IllegalArgumentException("not JMH JSON: " + source + ": " + e.getMessage(), e);
    }
    List<JmhRow> rows = new ArrayList<>();
    for (Object run : list(wrapped.get("runs"), source)) {
      rows.add(row(map(run, source), source));
    }
    return rows;
  }

  private static JmhRow row(Map<String, Object> run, String source) {
    String benchmark = string(run.get("benchmark"), "benchmark", source);
    String mode = string(run.get("mode"), "mode", source);
    Map<String, Object> metric = map(run.get("primaryMetric"), source);
    String unit = string(metric.get("scoreUnit"), "scoreUnit", source);
    double score = number(metric.get("score"));
    Object percentiles = metric.get("scorePercentiles");
    if ("sample".equals(mode) && percentiles instanceof Map<?, ?> p && p.get("50.0") != null) {
      score = number(p.get("50.0"));
    }
    String name = benchmark.substring(benchmark.lastIndexOf('.') + 1) + params(run.get("params"));
    double nanos = "ss".equals(mode) ? Double.NaN : nanosPerOp(score, unit);
    return new JmhRow(name, mode, score, number(metric.get("scoreError")), unit, nanos);
  }

  private static String params(Object params) {
    if (!(params instanceof Map<?, ?> map) || map.isEmpty()) {
      return "";
    }
    StringBuilder suffix = new StringBuilder();
    new TreeMap<>(map)
        .forEach(
            (k, v) ->
                suffix.append(suffix.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return "[" + suffix + "]";
  }

  /**
   * {@code us/op}, {@code ns/op}, {@code ms/op}, {@code s/op} or {@code ops/us} ... {@code ops/s}.
   */
  static double nanosPerOp(double score, String unit) {
    if (unit.endsWith("/op")) {
      return score * nanosIn(unit.substring(0, unit.length() - 3));
    }
    if (unit.startsWith("ops/")) {
      return nanosIn(unit.substring(4)) / score;
    }
    throw new IllegalArgumentException("unknown JMH unit: " + unit);
  }

  private static double nanosIn(String unit) {
    TimeUnit timeUnit =
        switch (unit) {
          case "ns" -> TimeUnit.NANOSECONDS;
          case "us" -> TimeUnit.MICROSECONDS;
          case "ms" -> TimeUnit.MILLISECONDS;
          case "s" -> TimeUnit.SECONDS;
          case "min" -> TimeUnit.MINUTES;
          default -> throw new IllegalArgumentException("unknown JMH time unit: " + unit);
        };
    return timeUnit.toNanos(1);
  }

  private static List<?> list(Object value, String source) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new IllegalArgumentException("not a JMH result array: " + source);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String source) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("not a JMH result object in " + source);
  }

  private static String string(Object value, String field, String source) {
    if (value instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("JMH result without " + field + " in " + source);
  }

  private static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s); // JMH writes "NaN" as a string
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }
}
