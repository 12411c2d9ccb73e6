/** Usage limits per token: rate limits (local or shared buckets) and credits, as a UsageGate. */
@org.jspecify.annotations.NullMarked
package io.gatehouse.usage;
