package io.gatehouse.servlet;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Refusal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes what a refused or allowed decision shows the client, the same for {@link GatehouseFilter}
 * and {@link ForwardAuthServlet}: {@link Refusal}'s status, {@code WWW-Authenticate} lines, {@code
 * Retry-After}, rate-limit fields and problem+json body.
 */
final class RefusalResponse {
  private RefusalResponse() {}

  /** The IETF {@code RateLimit-Policy} and {@code RateLimit} fields, when a limit is known. */
  static void setRateLimitHeaders(HttpServletResponse response, Decision decision) {
    String policy = Refusal.rateLimitPolicy(decision);
    String state = Refusal.rateLimit(decision);
    if (policy != null && state != null && !response.isCommitted()) {
      response.setHeader("RateLimit-Policy", policy);
      response.setHeader("RateLimit", state);
    }
  }

  static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      Decision decision,
      boolean includeDetail)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(decision.status());
    UnreadBody.settle(request, response);
    for (String challenge : Refusal.wwwAuthenticate(decision)) {
      response.addHeader("WWW-Authenticate", challenge);
    }
    String retryAfter = Refusal.retryAfter(decision);
    if (retryAfter != null) {
      response.setHeader("Retry-After", retryAfter);
    }
    setRateLimitHeaders(response, decision);
    response.setHeader("Cache-Control", "no-store");
    byte[] body = Refusal.problemJson(decision, includeDetail).getBytes(StandardCharsets.UTF_8);
    response.setContentType(Refusal.PROBLEM_JSON);
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }
}
