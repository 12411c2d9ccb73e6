package io.gatehouse.jwks;

import io.gatehouse.core.SettingKey;

/**
 * The per-space settings the JWT authenticator reads from the decision's {@link
 * io.gatehouse.core.Settings} snapshot.
 *
 * <pre>{@code
 * holder.update(s -> s.with("acme", JwtSettings.ISSUERS, Issuers.of(acmeIssuer)));
 * }</pre>
 */
public final class JwtSettings {

  /**
   * The issuers trusted in a space. When a space has none here, the authenticator's statically
   * configured issuers apply.
   */
  public static final SettingKey<Issuers> ISSUERS = SettingKey.of("jwks.issuers", Issuers.NONE);

  private JwtSettings() {}
}
