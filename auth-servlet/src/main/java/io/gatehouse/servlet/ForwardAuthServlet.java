package io.gatehouse.servlet;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.IdentityHeaders;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forward-auth endpoint: a front proxy (nginx {@code auth_request}, Traefik {@code ForwardAuth},
 * Envoy {@code ext_authz} over HTTP) asks it about each request, and it decides the
 * <em>original</em> request through the {@link Gatehouse} pipeline, as {@link GatehouseFilter}
 * would inside the application.
 *
 * <pre>{@code
 * ServletHolder authz = new ServletHolder(ForwardAuthServlet.builder(gatehouse).build());
 * authz.setAsyncSupported(true);
 * context.addServlet(authz, "/_authz/*");   // "/*" suffix: Envoy appends the original path
 * }</pre>
 *
 * <p>How the original method, target and client address are read from each proxy's shape, and what
 * is refused as ambiguous, is described in docs/FORWARD-AUTH.md; in short: the original target's
 * path is made canonical exactly as on the Netty adapter, client-sent {@code X-Gatehouse-*} headers
 * are invisible to the pipeline, and the client address comes from {@code X-Real-IP} / {@code
 * X-Forwarded-For} only through the space's trusted proxies (the peer of this endpoint is the
 * proxy).
 *
 * <p>Allowed: 200 with the {@link IdentityHeaders} (and the rate-limit fields when a limit is
 * known), no body, for the proxy to copy upstream. Refused: the same status, {@code
 * WWW-Authenticate}, {@code Retry-After}, rate-limit fields and problem+json body as {@link
 * GatehouseFilter}; a missing, repeated, garbled or ambiguous original method or target is a 400
 * {@code malformed} refusal. Every answer carries {@code Cache-Control: no-store}.
 */
public final class ForwardAuthServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ForwardAuthServlet.class);

  private final transient Gatehouse gatehouse;
  private final transient PendingDecision pending;

  private ForwardAuthServlet(Builder builder) {
    this.gatehouse = builder.gatehouse;
    this.pending = new PendingDecision(builder.settings);
  }

  /** A builder for an endpoint deciding with {@code gatehouse}. */
  public static Builder builder(Gatehouse gatehouse) {
    return new Builder(gatehouse);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    OriginalRequest.Read read = OriginalRequest.read(request);
    if (read instanceof OriginalRequest.Refused refused) {
      answer(request, response, refused.decision());
      return;
    }
    OriginalRequest original = ((OriginalRequest.Found) read).request();
    CompletableFuture<Decision> decision = gatehouse.decide(original).toCompletableFuture();
    if (decision.isDone()) {
      answer(request, response, PendingDecision.outcome(decision));
    } else if (request.isAsyncSupported()) {
      pending.settleAsync(request, decision, this::answerAndComplete);
    } else {
      answer(request, response, pending.await(decision));
    }
  }

  private void answer(HttpServletRequest request, HttpServletResponse response, Decision decision)
      throws IOException {
    if (!decision.allowed()) {
      RefusalResponse.write(request, response, decision, pending.includeDetail(), true);
      return;
    }
    Identity identity = Objects.requireNonNull(decision.identity(), "allowed without identity");
    response.setStatus(HttpServletResponse.SC_OK);
    for (Map.Entry<String, String> header : IdentityHeaders.of(identity).entrySet()) {
      response.setHeader(header.getKey(), header.getValue());
    }
    RefusalResponse.setRateLimitHeaders(response, decision);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(0);
  }

  private void answerAndComplete(AsyncContext async, Decision decision) {
    try {
      answer(
          (HttpServletRequest) async.getRequest(),
          (HttpServletResponse) async.getResponse(),
          decision);
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not write a forward-auth answer: {}", e.toString());
    } finally {
      async.complete();
    }
  }

  @Override
  public String toString() {
    return "ForwardAuthServlet[" + gatehouse + "]";
  }

  /** Configures a {@link ForwardAuthServlet}. Every setter validates its argument at once. */
  public static final class Builder {
    private final Gatehouse gatehouse;
    private final PendingDecision.Settings settings = new PendingDecision.Settings();

    private Builder(Gatehouse gatehouse) {
      this.gatehouse = Objects.requireNonNull(gatehouse, "gatehouse");
    }

    /** Whether refusals carry the decision's safe detail in the problem body; default true. */
    public Builder includeDetail(boolean includeDetail) {
      settings.includeDetail(includeDetail);
      return this;
    }

    /** How long an asynchronous decision may take before a 503; default 30 s. */
    public Builder asyncTimeout(Duration timeout) {
      settings.asyncTimeout(timeout);
      return this;
    }

    /** The longest a container thread is blocked when async is not supported; default 10 s. */
    public Builder blockingTimeout(Duration timeout) {
      settings.blockingTimeout(timeout);
      return this;
    }

    public ForwardAuthServlet build() {
      return new ForwardAuthServlet(this);
    }
  }
}
