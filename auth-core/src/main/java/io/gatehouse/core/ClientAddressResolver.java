package io.gatehouse.core;

/**
 * Finds the client address of a request. The default trusts no header: the socket peer is the
 * client. {@code auth-ipfilter} supplies one that walks forwarding headers through trusted proxies.
 */
@FunctionalInterface
public interface ClientAddressResolver {

  /**
   * Resolves the client address of {@code request} in {@code space}, reading proxy settings from
   * {@code settings}. Must not throw for bad request data: return {@link AddressResolution#refused}
   * instead.
   */
  AddressResolution resolve(AuthRequest request, String space, Settings settings);

  /** The socket peer is the client; forwarding headers are ignored. */
  static ClientAddressResolver socketPeer() {
    return (request, space, settings) ->
        AddressResolution.resolved(request.remoteAddress().getAddress(), "socket peer");
  }
}
