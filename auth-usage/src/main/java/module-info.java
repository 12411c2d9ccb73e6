/**
 * Usage limits per token: rate limits and credits with refill, checked by {@link
 * io.gatehouse.usage.UsageLimiter} as the pipeline's {@link io.gatehouse.core.UsageGate}. Rate
 * limits are Bucket4j token buckets, local to the instance or shared through PostgreSQL; credits
 * are spent with one conditional update in the database, exact across instances.
 */
module io.gatehouse.usage {
  requires transitive io.gatehouse.core;
  requires transitive java.sql;
  requires io.github.bucket4j.core;
  requires io.github.bucket4j.postgresql;
  requires org.slf4j;

  exports io.gatehouse.usage;
}
