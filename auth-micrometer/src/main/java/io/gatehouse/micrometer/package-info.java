/**
 * Micrometer meters for Gatehouse. {@link io.gatehouse.micrometer.GatehouseMetrics} is both the
 * {@code MeterBinder} to bind to a registry and the {@code AuthListener} to register on the
 * pipeline and its modules (or on {@code ManagedGatehouse.Builder#listener}); docs/OBSERVABILITY.md
 * lists every meter and its tags.
 *
 * <p><b>Dependencies.</b> This module adds micrometer-core only. auth-admin does not depend on it:
 * {@code ManagedGatehouse} takes the metrics as an ordinary listener and, for {@code
 * /_admin/metrics}, a {@code Supplier<String>} of Prometheus text (e.g. {@code
 * PrometheusMeterRegistry::scrape}), so an app that embeds the library without metrics pulls in no
 * Micrometer at all, and one with metrics chooses its own registry.
 *
 * <p><b>Cardinality.</b> No tag ever holds a token, an id, a path or a client address. Every tag
 * takes its values from a set fixed by the code (outcome, reason, status, cache, result) or by the
 * configuration (authenticator and stage ids, JWKS hosts, change topics), and each of those is
 * capped: values beyond the cap collapse into {@code other}. The {@code space} tag, whose value
 * comes from the request (a host or a path segment), takes only spaces the pipeline accepted: a
 * request refused with {@code unknown_space} counts as {@code unknown}, and at most {@link
 * io.gatehouse.micrometer.GatehouseMetrics.Builder#maxSpaces} distinct spaces get their own value.
 *
 * <p><b>Cost.</b> Counters and timers are {@code LongAdder}s read by function meters, so a decision
 * costs a few map lookups and adds; with {@code percentileHistogram(true)} (for p99) {@code
 * gatehouse.decision.duration} becomes a full Micrometer timer with a histogram, which costs about
 * as much again.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.micrometer;
