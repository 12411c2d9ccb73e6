/**
 * Gatehouse JWT verification: bearer tokens checked against JWKS URLs and shared secrets. Start
 * with {@link io.gatehouse.jwks.JwtAuthenticator#builder()}.
 */
module io.gatehouse.jwks {
  requires transitive io.gatehouse.core;
  requires transitive java.net.http;
  requires org.jose4j;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports io.gatehouse.jwks;
}
