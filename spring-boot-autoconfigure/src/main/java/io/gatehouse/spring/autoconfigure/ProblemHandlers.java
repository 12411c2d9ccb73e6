package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Refusal;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Spring Security's own refusals in Gatehouse's shape: {@code application/problem+json} with a
 * reason code, so a client reads one format whichever of the two refused.
 */
final class ProblemHandlers {
  private ProblemHandlers() {}

  /** 403 {@code insufficient_access}: an authenticated caller a Spring rule refused. */
  static AccessDeniedHandler accessDenied() {
    return (request, response, denied) ->
        write(
            response,
            Decision.refusal(
                Reason.INSUFFICIENT_ACCESS, "refused by the application's access rules", null));
  }

  /** 401 {@code missing_credentials}: a request no Gatehouse filter authenticated. */
  static AuthenticationEntryPoint unauthenticated() {
    return (request, response, failure) ->
        write(
            response,
            Decision.refusal(Reason.MISSING_CREDENTIALS, "this path needs a credential", null));
  }

  private static void write(HttpServletResponse response, Decision decision) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(decision.status());
    for (String challenge : Refusal.wwwAuthenticate(decision)) {
      response.addHeader("WWW-Authenticate", challenge);
    }
    response.setHeader("Cache-Control", "no-store");
    byte[] body = Refusal.problemJson(decision, true).getBytes(StandardCharsets.UTF_8);
    response.setContentType(Refusal.PROBLEM_JSON);
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }
}
