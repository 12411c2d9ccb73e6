package io.gatehouse.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The ratio columns of a group's table. Rows are split into families by the name's library suffix
 * ({@code rs256Gatehouse}, {@code rs256Nimbus}, {@code rs256Jca} are the {@code rs256} family); a
 * name with no known suffix belongs to the group-wide family. JMH parameters are part of the
 * family: {@code lookupGatehouse[rules=1000]} and {@code lookupLinearScan[rules=1000]} are one
 * family, {@code lookupGatehouse[rules=100000]} another. Gatehouse's own rows ({@code Gatehouse},
 * {@code GatehouseCached}) are neither floor nor peer; they get both ratios. The rows come out
 * grouped by family, in the order each family first appears (JMH sorts by method, then parameters).
 * In each family:
 *
 * <ul>
 *   <li>the <b>floor</b> is the row with a floor suffix ({@code Jca}, {@code BareJca}, {@code Jdk},
 *       {@code LinearScan}) or a floor name ({@code bare...}, {@code linearScan}, {@code
 *       authenticatorAlone}, or {@code plainServer}, the same server with no Gatehouse component);
 *   <li>the <b>peers</b> are the rows of other libraries (jose4j, Nimbus, auth0, jjwt, ipaddress);
 *   <li>each ratio is a <b>speed</b> ratio: floor (or fastest peer) time divided by the row's time,
 *       so 0.97 means 97 % of the floor's speed and 9,000 means 9,000 times as fast.
 * </ul>
 */
final class Comparison {

  private static final List<String> FLOOR_SUFFIXES = List.of("BareJca", "Jca", "Jdk", "LinearScan");
  private static final List<String> PEER_SUFFIXES =
      List.of("Jose4j", "Nimbus", "Auth0", "Jjwt", "IpAddress", "Ipaddress", "Seancfoley");
  // Longest first: rs256GatehouseCached is the rs256 family, not a family "rs256Gatehouse".
  private static final List<String> OWN_SUFFIXES = List.of("GatehouseCached", "Gatehouse");
  private static final Set<String> FLOOR_NAMES =
      Set.of("linearScan", "authenticatorAlone", "plainServer");

  /** A row with its ratios (NaN where the family has no floor or no peer). */
  record Ratioed(
      JmhRow row, String family, boolean floor, boolean peer, double vsFloor, double vsBestPeer) {}

  private Comparison() {}

  static List<Ratioed> compare(List<JmhRow> rows) {
    Map<String, List<JmhRow>> families = new LinkedHashMap<>();
    for (JmhRow row : rows) {
      families.computeIfAbsent(family(row.name()), f -> new ArrayList<>()).add(row);
    }
    List<Ratioed> out = new ArrayList<>();
    families.forEach(
        (family, members) -> {
          OptionalDouble floor = fastest(members, true);
          OptionalDouble bestPeer = fastest(members, false);
          for (JmhRow row : members) {
            boolean comparable = row.comparable();
            out.add(
                new Ratioed(
                    row,
                    family,
                    isFloor(row.name()),
                    isPeer(row.name()),
                    comparable && floor.isPresent()
                        ? floor.getAsDouble() / row.nanosPerOp()
                        : Double.NaN,
                    comparable && bestPeer.isPresent()
                        ? bestPeer.getAsDouble() / row.nanosPerOp()
                        : Double.NaN));
          }
        });
    return out;
  }

  private static OptionalDouble fastest(List<JmhRow> members, boolean floors) {
    return members.stream()
        .filter(JmhRow::comparable)
        .filter(r -> floors ? isFloor(r.name()) : isPeer(r.name()))
        .mapToDouble(JmhRow::nanosPerOp)
        .min();
  }

  static String family(String name) {
    String method = method(name);
    for (List<String> suffixes : List.of(FLOOR_SUFFIXES, PEER_SUFFIXES, OWN_SUFFIXES)) {
      for (String suffix : suffixes) {
        if (method.endsWith(suffix) && method.length() > suffix.length()) {
          return method.substring(0, method.length() - suffix.length()) + params(name);
        }
      }
    }
    return params(name);
  }

  static boolean isFloor(String name) {
    String method = method(name);
    return FLOOR_SUFFIXES.stream().anyMatch(method::endsWith)
        || method.startsWith("bare")
        || FLOOR_NAMES.contains(method);
  }

  static boolean isPeer(String name) {
    String method = method(name);
    return !isFloor(name) && PEER_SUFFIXES.stream().anyMatch(method::endsWith);
  }

  private static String method(String name) {
    int bracket = name.indexOf('[');
    return bracket < 0 ? name : name.substring(0, bracket);
  }

  private static String params(String name) {
    int bracket = name.indexOf('[');
    return bracket < 0 ? "" : name.substring(bracket);
  }
}
