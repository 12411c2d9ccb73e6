package io.gatehouse.jwks;

import java.net.URI;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The state of one JWKS source.
 *
 * @param url the JWKS URL
 * @param status UP (fresh keys), DEGRADED (serving stale keys, or the last refresh failed), DOWN
 *     (no usable keys)
 * @param keyCount keys in the current set
 * @param lastSuccess when keys were last fetched (or revalidated), if ever
 * @param lastError the last fetch failure, if the source is failing; safe to show
 * @param fetches fetches started since the source was created
 */
public record SourceHealth(
    URI url,
    Status status,
    int keyCount,
    @Nullable Instant lastSuccess,
    @Nullable String lastError,
    long fetches) {

  /** Health of a key source. */
  public enum Status {
    UP,
    DEGRADED,
    DOWN
  }
}
