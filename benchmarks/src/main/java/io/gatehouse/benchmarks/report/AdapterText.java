package io.gatehouse.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text {@code AdapterLoadBenchmark} prints (it is a load generator, not a JMH benchmark)
 * into rows: {@code plainServer[server=jetty]} is the floor of {@code gatedServer[server=jetty]}.
 */
final class AdapterText {

  // "jetty + GatehouseFilter           5709   [..]" / "jetty, no filter    6200   [..]"
  private static final Pattern SERVER =
      Pattern.compile("^(\\w+)(, no \\w+| \\+ \\w+)\\s+(\\d+(?:\\.\\d+)?)\\s+\\[.*$");

  private AdapterText() {}

  static List<JmhRow> parse(String text) {
    List<JmhRow> rows = new ArrayList<>();
    for (String line : text.lines().toList()) {
      Matcher m = SERVER.matcher(line.strip());
      if (m.matches()) {
        String name =
            (m.group(2).startsWith(",") ? "plainServer" : "gatedServer")
                + "[server="
                + m.group(1)
                + "]";
        double requestsPerSecond = Double.parseDouble(m.group(3));
        rows.add(
            new JmhRow(
                name, "thrpt", requestsPerSecond, Double.NaN, "req/s", 1e9 / requestsPerSecond));
      }
    }
    return rows;
  }
}
