package io.gatehouse.servlet;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Refusal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Writes what a refused or allowed decision shows the client, the same for {@link GatehouseFilter}
 * and {@link ForwardAuthServlet}: {@link Refusal}'s status, {@code WWW-Authenticate} lines, {@code
 * Retry-After}, rate-limit fields and problem+json body.
 */
final class RefusalResponse {
  /** The forward-auth answer's copy of its problem+json body, for a proxy that drops bodies. */
  static final String PROBLEM_HEADER = "X-Gatehouse-Problem";

  private RefusalResponse() {}

  /**
   * {@code json} with every character outside visible ASCII written as a JSON backslash-u escape:
   * the same JSON value, safe as a header value. Compact JSON has such characters only inside
   * strings, where the escape means the same character.
   */
  static String asciiJson(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        out.append(c);
      } else {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

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
    write(request, response, decision, includeDetail, false);
  }

  /**
   * As {@link #write(HttpServletRequest, HttpServletResponse, Decision, boolean)}; {@code forProxy}
   * (a forward-auth answer) also carries the problem+json body, as ASCII, in {@link
   * #PROBLEM_HEADER} and every challenge in one {@code WWW-Authenticate} line (RFC 9110 allows a
   * list), because nginx's {@code auth_request} passes on one challenge line and no body: its
   * configuration rebuilds Gatehouse's answer from those two headers without asking twice.
   */
  static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      Decision decision,
      boolean includeDetail,
      boolean forProxy)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(decision.status());
    UnreadBody.settle(request, response);
    List<String> challenges = Refusal.wwwAuthenticate(decision);
    if (forProxy && !challenges.isEmpty()) {
      response.setHeader("WWW-Authenticate", String.join(", ", challenges));
    } else {
      for (String challenge : challenges) {
        response.addHeader("WWW-Authenticate", challenge);
      }
    }
    String retryAfter = Refusal.retryAfter(decision);
    if (retryAfter != null) {
      response.setHeader("Retry-After", retryAfter);
    }
    setRateLimitHeaders(response, decision);
    response.setHeader("Cache-Control", "no-store");
    String problem = Refusal.problemJson(decision, includeDetail);
    if (forProxy) {
      response.setHeader(PROBLEM_HEADER, asciiJson(problem));
    }
    byte[] body = problem.getBytes(StandardCharsets.UTF_8);
    response.setContentType(Refusal.PROBLEM_JSON);
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }
}
