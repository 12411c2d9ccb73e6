package io.gatehouse.benchmarks.report;

/**
 * Replaces the generated block of one group in docs/BENCHMARKS.md: the text between {@code <!--
 * results: GROUP -->} and {@code <!-- end results: GROUP -->}. Everything else (the hand-written
 * prose and the {@code <!-- section: GROUP -->} markers around it) is kept byte for byte.
 */
final class MarkedSections {

  private MarkedSections() {}

  static String start(String group) {
    return "<!-- results: " + group + " -->";
  }

  static String end(String group) {
    return "<!-- end results: " + group + " -->";
  }

  /**
   * Returns {@code document} with the block of {@code group} replaced by {@code body}.
   *
   * @throws IllegalStateException if either marker is missing, appears more than once, or the end
   *     comes before the start
   */
  static String replace(String document, String group, String body) {
    int from = only(document, start(group));
    int to = only(document, end(group));
    if (to < from) {
      throw new IllegalStateException(
          "in BENCHMARKS.md, '" + end(group) + "' comes before '" + start(group) + "'");
    }
    String head = document.substring(0, from + start(group).length());
    return head + "\n" + body.strip() + "\n" + document.substring(to);
  }

  private static int only(String document, String marker) {
    int first = document.indexOf(marker);
    if (first < 0) {
      throw new IllegalStateException(
          "BENCHMARKS.md has no '" + marker + "' marker; add it where the table should go");
    }
    if (document.indexOf(marker, first + marker.length()) >= 0) {
      throw new IllegalStateException("BENCHMARKS.md has '" + marker + "' more than once");
    }
    return first;
  }
}
