package io.gatehouse.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Why a request was refused: a machine-readable code that maps to one HTTP status. Every refusal
 * carries exactly one reason.
 */
public enum Reason {
  /** No credential was presented that any authenticator recognised. */
  MISSING_CREDENTIALS(401, null),
  /** A credential was presented but is not well formed (bad checksum, bad encoding, twice). */
  MALFORMED(401, "invalid_token"),
  /** A well-formed credential that the store does not know. */
  UNKNOWN_CREDENTIAL(401, "invalid_token"),
  /** A credential that was revoked. */
  REVOKED(401, "invalid_token"),
  /** A credential past its expiry. */
  EXPIRED(401, "invalid_token"),
  /** A signature that does not verify. */
  BAD_SIGNATURE(401, "invalid_token"),
  /** Claims that fail the policy (issuer, audience, lifetime, required claims). */
  BAD_CLAIMS(401, "invalid_token"),
  /** Authenticated, but not allowed to do this (READ token writing, missing permission). */
  INSUFFICIENT_ACCESS(403, "insufficient_scope"),
  /** The client address is not allowed. */
  ADDRESS_DENIED(403, null),
  /** An authhook refused the request. */
  HOOK_DENIED(403, null),
  /**
   * The request's space is valid but not one this deployment serves (see {@link SpaceCheck#known}).
   * 403 rather than 404: the gate refuses, the app's resource may well exist, and reverse proxies
   * that delegate to an auth endpoint ({@code auth_request}) only pass 401 and 403 through (any
   * other status becomes a 500 there).
   */
  UNKNOWN_SPACE(403, null),
  /**
   * A credential meant for server-side use came from a web page (an {@code Origin} its owner did
   * not list, or {@code Sec-Fetch-*} headers a browser sends): refused so that a token pasted into
   * a page cannot be used from it.
   */
  BROWSER_REFUSED(403, null),
  /**
   * The client address refused too many credentials lately: it is turned away before any store read
   * or signature check until its failure budget refills (see {@link CredentialThrottle}).
   */
  THROTTLED(429, null),
  /**
   * A valid credential over one of its rate limits (say 100 requests a minute): it may try again
   * after the {@code Retry-After} the refusal carries.
   */
  RATE_LIMITED(429, null),
  /** A valid credential that has used all of its credits (its {@code --uses}). */
  USAGE_EXCEEDED(429, null),
  /** A dependency (key source, token store) could not answer: try again later. */
  UNAVAILABLE(503, null),
  /** A bug or unexpected failure inside a stage; the request is refused (fail closed). */
  INTERNAL(500, null);

  private final int status;
  private final @Nullable String bearerError;
  private final String code;

  Reason(int status, @Nullable String bearerError) {
    this.status = status;
    this.bearerError = bearerError;
    this.code = name().toLowerCase(Locale.ROOT);
  }

  /** The HTTP status a refusal with this reason gets. */
  public int status() {
    return status;
  }

  /** The lower-case code used in problem documents and logs, e.g. {@code unknown_credential}. */
  public String code() {
    return code;
  }

  /** The RFC 6750 {@code error} value for a {@code WWW-Authenticate} challenge, if any. */
  public @Nullable String bearerError() {
    return bearerError;
  }

  /** True for reasons that ask the client to slow down (status 429, with {@code Retry-After}). */
  public boolean isThrottling() {
    return status == 429;
  }

  /**
   * True for a presented credential that was refused (a 401 other than {@link
   * #MISSING_CREDENTIALS}): what a {@link CredentialThrottle} counts.
   */
  public boolean isCredentialFailure() {
    return status == 401 && this != MISSING_CREDENTIALS;
  }

  /** True for reasons that ask the client to authenticate (status 401). */
  public boolean isAuthenticationFailure() {
    return status == 401;
  }
}
