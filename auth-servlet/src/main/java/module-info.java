/**
 * Gatehouse for Jakarta Servlet 6: {@link io.gatehouse.servlet.GatehouseFilter} runs the decision
 * pipeline in front of any servlet application.
 */
module io.gatehouse.servlet {
  requires transitive io.gatehouse.core;
  requires transitive jakarta.servlet;
  requires org.slf4j;

  exports io.gatehouse.servlet;
}
