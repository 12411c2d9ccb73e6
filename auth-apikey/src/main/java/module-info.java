/**
 * Gatehouse API tokens and admin tokens: token format, hashing, stores (memory, JDBC on H2 or
 * PostgreSQL), a cache with cross-instance invalidation, and the authenticators. Start with {@link
 * io.gatehouse.apikey.ApiKeys#builder(io.gatehouse.apikey.TokenStore)}.
 */
module io.gatehouse.apikey {
  requires transitive io.gatehouse.core;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports io.gatehouse.apikey;
}
