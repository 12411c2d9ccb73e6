/**
 * OpenTelemetry spans for Gatehouse: {@link io.gatehouse.opentelemetry.GatehouseTracing} is an
 * {@code AuthListener} that turns each decision into a span tree.
 */
module io.gatehouse.opentelemetry {
  requires transitive io.gatehouse.core;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;

  exports io.gatehouse.opentelemetry;
}
