/**
 * Gatehouse core: the decision pipeline and the SPI every authenticator, hook and adapter
 * implements. Start with {@link io.gatehouse.core.Gatehouse#builder()}.
 */
module io.gatehouse.core {
  requires transitive org.jspecify;
  requires transitive java.sql;
  requires org.slf4j;

  exports io.gatehouse.core;
}
