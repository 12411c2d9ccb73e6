package io.gatehouse.core;

import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client address a {@link ClientAddressResolver} found, or why it refused the request.
 *
 * @param address the client address; null when refused
 * @param reason why the request is refused; null when resolved
 * @param detail how the address was found (each hop) or why it was refused; safe to show
 */
public record AddressResolution(
    @Nullable InetAddress address, @Nullable Reason reason, String detail) {

  public AddressResolution {
    Objects.requireNonNull(detail, "detail");
    if ((address == null) == (reason == null)) {
      throw new IllegalArgumentException("exactly one of address and reason must be set");
    }
  }

  public static AddressResolution resolved(InetAddress address, String detail) {
    return new AddressResolution(Objects.requireNonNull(address, "address"), null, detail);
  }

  public static AddressResolution refused(Reason reason, String detail) {
    return new AddressResolution(null, Objects.requireNonNull(reason, "reason"), detail);
  }
}
