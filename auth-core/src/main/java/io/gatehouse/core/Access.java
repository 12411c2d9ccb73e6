package io.gatehouse.core;

import java.util.Locale;
import java.util.Set;

/** What an authenticated caller may do, before any named permission is checked. */
public enum Access {
  /** Safe methods only: GET, HEAD, OPTIONS (and no {@link MethodOverride} to anything else). */
  READ,
  /** Every method. */
  READ_WRITE,
  /** Every method; the identity's named permissions say which admin operations it may run. */
  ADMIN;

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  /** True when an HTTP method is safe (RFC 9110 section 9.2.1) in the sense READ allows. */
  public static boolean isSafeMethod(String method) {
    return SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT));
  }

  /** True when this access allows the HTTP {@code method}. */
  public boolean permitsMethod(String method) {
    return this != READ || isSafeMethod(method);
  }
}
