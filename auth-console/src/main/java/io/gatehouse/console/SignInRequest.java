package io.gatehouse.console;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Redact;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The sign-in request as the sign-in pipeline sees it: the real request (address, forwarding
 * headers, path) as the servlet filter sees it, with the admin token from the body as {@code
 * Authorization: Bearer} and without cookies, so the pipeline checks the token exactly as it would
 * on the admin API. Without a token it carries no credential at all: the console decides it first
 * only to learn the client address the pipeline resolves, which costs no store read.
 */
final class SignInRequest implements AuthRequest {
  private final AuthRequest request;
  private final List<String> authorization;

  /** {@code adminToken} null: the request without any credential (to resolve its address). */
  SignInRequest(HttpServletRequest request, @Nullable String adminToken) {
    this.request = GatehouseFilter.authRequest(request);
    this.authorization = adminToken == null ? List.of() : List.of("Bearer " + adminToken);
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public String path() {
    return request.path();
  }

  @Override
  public List<String> headers(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("authorization")) {
      return authorization;
    }
    if (lower.equals("cookie") || lower.equals("x-apikey")) {
      return List.of(); // only the token typed into the sign-in form counts
    }
    if (lower.equals("origin") || lower.startsWith("sec-fetch-")) {
      // Signing in to the console is the one browser use of an admin token: the console checks its
      // own origin and CSRF token, so the token authenticator's browser rule must not see the page.
      return List.of();
    }
    return request.headers(name);
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return request.remoteAddress();
  }

  @Override
  public @Nullable String rawQuery() {
    return null;
  }

  @Override
  public String toString() {
    return "SignInRequest[" + Redact.safe(path()) + "]"; // never the token
  }
}
