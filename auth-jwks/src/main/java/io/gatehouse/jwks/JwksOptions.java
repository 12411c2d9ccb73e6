package io.gatehouse.jwks;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How JWKS sources fetch and cache (see {@link JwtAuthenticator.Builder} for each default).
 *
 * @param connectTimeout TCP/TLS connect timeout
 * @param fetchTimeout the whole fetch, headers and body
 * @param waitBudget how long a request waits for a fetch before it gets UNAVAILABLE
 * @param defaultTtl freshness when the response has no {@code Cache-Control: max-age}
 * @param minTtl lower bound for {@code max-age}
 * @param maxTtl upper bound for {@code max-age}
 * @param refreshAhead how long before expiry a background refresh starts
 * @param kidMissCooldown minimum time between two refetches caused by unknown kids
 * @param unknownKidTtl how long a kid absent after a refetch is answered from memory
 * @param maxStale how long past expiry keys keep verifying while the source fails (outage limit)
 * @param failureBackoff after a failed fetch, how long requests fail fast without a new fetch
 * @param maxJwksBytes largest JWKS body read
 * @param maxKeys most keys accepted in one JWKS
 * @param snapshotDirectory where last-known-good key sets are written and read at start, or null
 */
record JwksOptions(
    Duration connectTimeout,
    Duration fetchTimeout,
    Duration waitBudget,
    Duration defaultTtl,
    Duration minTtl,
    Duration maxTtl,
    Duration refreshAhead,
    Duration kidMissCooldown,
    Duration unknownKidTtl,
    Duration maxStale,
    Duration failureBackoff,
    int maxJwksBytes,
    int maxKeys,
    @Nullable Path snapshotDirectory) {}
