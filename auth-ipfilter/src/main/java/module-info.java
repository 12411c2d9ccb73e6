/**
 * Gatehouse IP filtering: a strict IP/CIDR parser (never a DNS lookup), an immutable dual-stack
 * allow/deny rule table with longest-prefix semantics, and client-address resolution behind trusted
 * proxies. Start with {@link io.gatehouse.ipfilter.IpFilter}.
 */
module io.gatehouse.ipfilter {
  requires transitive io.gatehouse.core;
  requires org.slf4j;

  exports io.gatehouse.ipfilter;
}
