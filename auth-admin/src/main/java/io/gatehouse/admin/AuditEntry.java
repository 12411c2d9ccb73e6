package io.gatehouse.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the {@link AuditLog}: one management operation, whatever its outcome. No field ever
 * holds a secret or a whole token: tokens appear by id (or a {@link io.gatehouse.core.Redact#secret
 * short prefix}), HS secrets by fingerprint.
 *
 * @param seq position in the chain, from 1, without gaps
 * @param at when the operation ran (the store's clock)
 * @param space the space acted on
 * @param actor who: {@code operator <os user>} at the store, or {@code admin token <id>} (a console
 *     session carries its token's id)
 * @param action what, e.g. {@code create-token}, {@code allow}
 * @param target on what: a token id, an issuer, CIDRs
 * @param clientAddress from where: the client address after trusted proxies, or {@code local}
 * @param outcome {@value AuditLog#OK}, {@value AuditLog#REFUSED}, {@value AuditLog#NOT_FOUND} or
 *     {@value AuditLog#FAILED}
 * @param detail the operation's arguments, or the reason it was refused or failed
 * @param prevHash the previous entry's {@code hash} (64 zeros for the first entry)
 * @param hash SHA-256 (hex) of this entry's canonical encoding ({@link AuditLog#canonical})
 */
public record AuditEntry(
    long seq,
    Instant at,
    String space,
    String actor,
    String action,
    String target,
    String clientAddress,
    String outcome,
    String detail,
    String prevHash,
    String hash) {

  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(space, "space");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
  }

  /** This entry with {@code hash} as its hash. */
  AuditEntry withHash(String hash) {
    return new AuditEntry(
        seq, at, space, actor, action, target, clientAddress, outcome, detail, prevHash, hash);
  }

  /** One line for listings: when, who, from where, what, on what, the outcome and the detail. */
  public String describe() {
    StringBuilder out =
        new StringBuilder()
            .append('#')
            .append(seq)
            .append("  ")
            .append(at)
            .append("  ")
            .append(space)
            .append("  ")
            .append(actor)
            .append(" from ")
            .append(clientAddress)
            .append("  ")
            .append(action);
    if (!target.isEmpty()) {
      out.append(' ').append(target);
    }
    out.append("  ").append(outcome);
    if (!detail.isEmpty()) {
      out.append("  (").append(detail).append(')');
    }
    return out.toString();
  }

  public Map<String, Object> toJson() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("seq", seq);
    map.put("at", at.toString());
    map.put("space", space);
    map.put("actor", actor);
    map.put("action", action);
    map.put("target", target);
    map.put("clientAddress", clientAddress);
    map.put("outcome", outcome);
    map.put("detail", detail);
    map.put("prevHash", prevHash);
    map.put("hash", hash);
    return map;
  }

  public static AuditEntry fromJson(Map<String, Object> map) {
    return new AuditEntry(
        Json.number(map, "seq", 0),
        Instant.parse(Json.string(map, "at")),
        Json.string(map, "space"),
        Json.string(map, "actor"),
        Json.string(map, "action"),
        Json.string(map, "target"),
        Json.string(map, "clientAddress"),
        Json.string(map, "outcome"),
        Json.string(map, "detail"),
        Json.string(map, "prevHash"),
        Json.string(map, "hash"));
  }
}
