package io.gatehouse.ipfilter;

/** The forwarding header a trusted proxy writes the client address into. */
public enum ForwardedHeader {
  /** {@code X-Forwarded-For: client, proxy1, proxy2}: each proxy appends its peer. */
  X_FORWARDED_FOR("X-Forwarded-For"),
  /** {@code X-Real-IP: client}: one address, set by the (single) proxy. */
  X_REAL_IP("X-Real-IP"),
  /** RFC 7239 {@code Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::17]:4711"}. */
  FORWARDED("Forwarded");

  private final String headerName;

  ForwardedHeader(String headerName) {
    this.headerName = headerName;
  }

  /** The HTTP header name, e.g. {@code X-Forwarded-For}. */
  public String headerName() {
    return headerName;
  }

  @Override
  public String toString() {
    return headerName;
  }
}
