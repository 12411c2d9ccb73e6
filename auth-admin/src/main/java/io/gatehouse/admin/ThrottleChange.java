package io.gatehouse.admin;

import io.gatehouse.core.ThrottlePolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A change to a space's failed-credential throttle: each part given replaces that part, each part
 * left null keeps the stored value. The change is applied to the policy as stored, inside the
 * store's update of the space, so two operators changing different parts at once both win (a
 * read-then-write by the caller would lose one of them).
 *
 * @param reset back to {@link ThrottlePolicy#DEFAULT} before the other parts apply
 * @param enabled on or off, or null to keep
 * @param failures how many refused credentials an address may present before it is throttled (1 to
 *     1,000,000), or null to keep
 * @param refill how fast the budget comes back, e.g. {@code 1/3s}, or null to keep
 */
public record ThrottleChange(
    boolean reset, @Nullable Boolean enabled, @Nullable Integer failures, @Nullable String refill) {

  public ThrottleChange {
    if (failures != null && (failures < 1 || failures > 1_000_000)) {
      throw new IllegalArgumentException("'failures' must be in [1, 1000000], was " + failures);
    }
    // Refuses a bad rate (and a refill larger than the failures given) now, before any store
    // work; a refill larger than the stored failures is refused by applyTo, inside the update.
    if (refill != null) {
      ThrottlePolicy.parseRate(refill);
      if (failures != null) {
        ThrottlePolicy.of(failures, refill);
      }
    }
  }

  /** A change that sets every part to {@code policy}'s. */
  public static ThrottleChange to(ThrottlePolicy policy) {
    return new ThrottleChange(false, policy.enabled(), policy.failures(), policy.refillText());
  }

  /** The policy this change makes of {@code stored}. */
  public ThrottlePolicy applyTo(ThrottlePolicy stored) {
    ThrottlePolicy base = reset ? ThrottlePolicy.DEFAULT : stored;
    ThrottlePolicy next =
        ThrottlePolicy.of(
            failures != null ? failures : base.failures(),
            refill != null ? refill : base.refillText());
    return next.withEnabled(enabled != null ? enabled : base.enabled());
  }

  /** The admin API's JSON: only the parts given. */
  public Map<String, Object> toJson() {
    Map<String, Object> map = new LinkedHashMap<>();
    if (reset) {
      map.put("reset", true);
    }
    if (enabled != null) {
      map.put("enabled", enabled);
    }
    if (failures != null) {
      map.put("failures", (long) failures);
    }
    if (refill != null) {
      map.put("refill", refill);
    }
    return map;
  }

  /** Reads {@link #toJson}; absent fields are left unchanged. */
  public static ThrottleChange fromJson(Map<String, Object> map) {
    boolean reset = map.containsKey("reset") && Json.bool(map, "reset");
    Boolean enabled = map.containsKey("enabled") ? Json.bool(map, "enabled") : null;
    Integer failures = null;
    if (map.containsKey("failures")) {
      long value = Json.number(map, "failures", 0);
      if (value < 1 || value > 1_000_000) {
        throw new IllegalArgumentException("'failures' must be in [1, 1000000], was " + value);
      }
      failures = (int) value;
    }
    return new ThrottleChange(reset, enabled, failures, Json.optString(map, "refill"));
  }
}
