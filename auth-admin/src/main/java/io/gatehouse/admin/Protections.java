package io.gatehouse.admin;

import io.gatehouse.apikey.BrowserAccess;
import io.gatehouse.core.CredentialThrottles;
import io.gatehouse.core.Settings;
import io.gatehouse.core.ThrottlePolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A space's protections against abuse of its tokens, as stored: the failed-credential throttle
 * ({@code gatehouse throttle}) and whether web pages may use its tokens ({@code gatehouse
 * browsers}). The defaults are the strict ones: throttled at 20 refused credentials per address,
 * then one more every 3 s; browsers refused unless a token lists the page's origin.
 *
 * @param throttle the failure budget per client address
 * @param browsersAllowed true lets every token of the space be used from any web page
 */
public record Protections(ThrottlePolicy throttle, boolean browsersAllowed) {
  public static final Protections DEFAULT = new Protections(ThrottlePolicy.DEFAULT, false);

  public Protections {
    Objects.requireNonNull(throttle, "throttle");
  }

  public Protections withThrottle(ThrottlePolicy policy) {
    return new Protections(policy, browsersAllowed);
  }

  public Protections withBrowsersAllowed(boolean allowed) {
    return new Protections(throttle, allowed);
  }

  /** {@code settings} with these values in {@code space} (defaults leave the keys unset). */
  Settings applyTo(Settings settings, String space) {
    Settings out =
        throttle.equals(ThrottlePolicy.DEFAULT)
            ? settings.without(space, CredentialThrottles.POLICY)
            : settings.with(space, CredentialThrottles.POLICY, throttle);
    return browsersAllowed
        ? out.with(space, BrowserAccess.ALLOWED, Boolean.TRUE)
        : out.without(space, BrowserAccess.ALLOWED);
  }

  /** One line for listings. */
  public String describeThrottle() {
    return throttle.describe();
  }

  /** One line for listings. */
  public String describeBrowsers() {
    return browsersAllowed
        ? "allowed from any web page (gatehouse browsers --allow)"
        : "refused from web pages unless the token lists the origin";
  }

  /** The throttle's JSON: {@code {enabled, failures, refill: "1/3s"}}. */
  public static Map<String, Object> throttleJson(ThrottlePolicy policy) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("enabled", policy.enabled());
    map.put("failures", (long) policy.failures());
    map.put("refill", policy.refillText());
    return map;
  }

  /**
   * Reads {@link #throttleJson}; absent fields keep {@code base}'s values (so {@code {"enabled":
   * false}} only turns it off).
   */
  public static ThrottlePolicy throttleFromJson(Map<String, Object> map, ThrottlePolicy base) {
    return ThrottleChange.fromJson(map).applyTo(base);
  }
}
