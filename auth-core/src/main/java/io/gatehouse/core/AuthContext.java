package io.gatehouse.core;

import java.net.InetAddress;
import java.time.Instant;

/**
 * What authenticators and hooks see of one request: the request, the resolved space and client
 * address, the configuration snapshot taken when the decision started, and the decision's start
 * time.
 *
 * @param request the request
 * @param space the space (tenant) the request belongs to
 * @param clientAddress the client address, resolved through trusted proxies
 * @param settings the configuration snapshot this whole decision uses
 * @param now the decision's start time, from the pipeline's clock
 */
public record AuthContext(
    AuthRequest request, String space, InetAddress clientAddress, Settings settings, Instant now) {

  /** This request's space's value for {@code key} in the decision's snapshot. */
  public <T> T setting(SettingKey<T> key) {
    return settings.get(space, key);
  }
}
