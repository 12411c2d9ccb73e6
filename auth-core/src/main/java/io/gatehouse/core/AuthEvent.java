package io.gatehouse.core;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something worth counting or alerting on that is not a decision: a JWKS fetch, a cache miss, a
 * revocation. Attributes carry key ids and redacted prefixes only, never a secret.
 *
 * @param type dotted name, e.g. {@code jwks.fetch}, {@code apikey.revoked}
 * @param space the space concerned, or empty
 * @param message a human-readable summary
 * @param attributes details (url, kid, status, duration...)
 * @param at when it happened
 */
public record AuthEvent(
    String type, String space, String message, Map<String, String> attributes, Instant at) {

  public AuthEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }
}
