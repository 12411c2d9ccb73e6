package io.gatehouse.ipfilter;

import io.gatehouse.core.AddressFilter;
import io.gatehouse.core.ClientAddressResolver;
import io.gatehouse.core.SettingKey;
import java.util.Objects;

/**
 * The pipeline stages of this module and their per-space settings.
 *
 * <pre>{@code
 * SettingsHolder settings = new SettingsHolder();
 * settings.update(s -> s
 *     .with("default", IpFilter.PROXIES, TrustedProxies.builder().trust("10.0.0.0/8").build())
 *     .with("default", IpFilter.RULES, IpRules.builder().deny("203.0.113.0/24").build()));
 * Gatehouse gatehouse = Gatehouse.builder()
 *     .settings(settings)
 *     .clientAddressResolver(IpFilter.clientAddressResolver())
 *     .addressFilter(IpFilter.addressFilter())
 *     ...
 * }</pre>
 *
 * A later {@code settings.update(s -> s.with(space, IpFilter.RULES, newRules))} applies to every
 * decision that starts after it; a decision in flight keeps the snapshot it started with.
 */
public final class IpFilter {
  /** A space's allow/deny rules; default {@link IpRules#NONE} (every address allowed). */
  public static final SettingKey<IpRules> RULES = SettingKey.of("ipfilter.rules", IpRules.NONE);

  /**
   * A space's trusted proxies; default {@link TrustedProxies#NONE} (the socket peer is the client).
   */
  public static final SettingKey<TrustedProxies> PROXIES =
      SettingKey.of("ipfilter.proxies", TrustedProxies.NONE);

  private IpFilter() {}

  /** Checks the client address against the space's {@link #RULES} in the decision's snapshot. */
  public static AddressFilter addressFilter() {
    return (address, space, settings) -> settings.get(space, RULES).check(address);
  }

  /** Checks the client address against {@code rules} in every space, whatever the settings say. */
  public static AddressFilter addressFilter(IpRules rules) {
    Objects.requireNonNull(rules, "rules");
    return (address, space, settings) -> rules.check(address);
  }

  /**
   * Resolves the client address through the space's {@link #PROXIES} in the decision's snapshot.
   */
  public static ClientAddressResolver clientAddressResolver() {
    return new ProxyResolver(null);
  }

  /** Resolves the client address through {@code proxies} in every space. */
  public static ClientAddressResolver clientAddressResolver(TrustedProxies proxies) {
    return new ProxyResolver(Objects.requireNonNull(proxies, "proxies"));
  }
}
