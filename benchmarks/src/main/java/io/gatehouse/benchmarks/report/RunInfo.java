package io.gatehouse.benchmarks.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What the bench script recorded beside a group's run ({@code GROUP.env}): when, on how many cores,
 * the load average before and after, the JMH options, and how long the group ran.
 */
record RunInfo(
    String date,
    String cores,
    String loadBefore,
    String loadAfter,
    String options,
    String mode,
    String seconds) {

  static RunInfo read(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) {
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(reader);
      }
    }
    return new RunInfo(
        p.getProperty("date", "?"),
        p.getProperty("cores", "?"),
        p.getProperty("load_before", "?"),
        p.getProperty("load_after", "?"),
        p.getProperty("options", ""),
        p.getProperty("mode", "full"),
        p.getProperty("seconds", ""));
  }

  String describe() {
    return ("quick".equals(mode)
            ? "**Quick run (`./bench --quick`, a harness check): do not quote these figures.** "
            : "")
        + "Run of "
        + date
        + " on "
        + cores
        + " cores, load average (1/5/15 min) "
        + loadBefore
        + " before and "
        + loadAfter
        + " after"
        + (options.isBlank() ? "" : "; options `" + options + "`")
        + (seconds.isBlank() ? "" : "; the group ran in " + seconds + " s")
        + ".";
  }
}
