/**
 * The Gatehouse operator plane as a library: {@link io.gatehouse.admin.ManagedGatehouse} runs the
 * decision pipeline from a store (tokens, per-space issuers, address rules, trusted proxies, live
 * across instances), with the management operations, the admin API and the console beside it.
 */
module io.gatehouse.admin {
  requires transitive io.gatehouse.core;
  requires transitive io.gatehouse.apikey;
  requires transitive io.gatehouse.jwks;
  requires transitive io.gatehouse.ipfilter;
  requires transitive io.gatehouse.console;
  requires transitive io.gatehouse.usage;
  requires transitive jakarta.servlet;
  requires io.gatehouse.servlet;
  requires java.net.http;
  requires org.slf4j;

  exports io.gatehouse.admin;
}
