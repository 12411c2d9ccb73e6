package io.gatehouse.core;

import java.net.InetAddress;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Turns away client addresses that keep presenting bad credentials. The pipeline asks {@link
 * #admit} right after the address rules, before any authenticator runs (so before any store read or
 * signature check), and tells {@link #refused} each time an authenticator refused a presented
 * credential ({@link Reason#isCredentialFailure()}). The address is the resolved one, after the
 * trusted proxies.
 *
 * <p>Both calls are on the request path: they must be synchronous, cheap and free of I/O, and keep
 * bounded memory however many addresses they see.
 */
public interface CredentialThrottle {

  /**
   * Null to let the request go on, or a refusal ({@link AuthOutcome#throttled} with {@link
   * Reason#THROTTLED}) when {@code client} has used up its failure budget in {@code space}.
   */
  AuthOutcome.@Nullable Failure admit(
      InetAddress client, String space, Settings settings, Instant now);

  /** An authenticator refused a credential {@code client} presented, for {@code reason}. */
  void refused(InetAddress client, String space, Reason reason, Settings settings, Instant now);
}
