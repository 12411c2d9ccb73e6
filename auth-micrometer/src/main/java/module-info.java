/**
 * Micrometer meters for Gatehouse: {@link io.gatehouse.micrometer.GatehouseMetrics} is a {@code
 * MeterBinder} and an {@code AuthListener}.
 */
module io.gatehouse.micrometer {
  requires transitive io.gatehouse.core;
  requires transitive micrometer.core;

  exports io.gatehouse.micrometer;
}
