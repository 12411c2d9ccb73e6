package io.gatehouse.servlet;

import io.gatehouse.core.Checks;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.IdentityHeaders;
import io.gatehouse.core.Reason;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private final boolean includeDetail;
  private final Duration asyncTimeout;
  private final Duration blockingTimeout;

  private ForwardAuthServlet(Builder builder) {
    this.gatehouse = builder.gatehouse;
    this.includeDetail = builder.includeDetail;
    this.asyncTimeout = builder.asyncTimeout;
    this.blockingTimeout = builder.blockingTimeout;
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
    CompletableFuture<Decision> pending = gatehouse.decide(original).toCompletableFuture();
    if (pending.isDone()) {
      answer(request, response, pending.isCompletedExceptionally() ? failed() : pending.join());
    } else if (request.isAsyncSupported()) {
      answerAsync(request, pending);
    } else {
      answer(request, response, await(pending));
    }
  }

  private void answer(HttpServletRequest request, HttpServletResponse response, Decision decision)
      throws IOException {
    if (!decision.allowed()) {
      RefusalResponse.write(request, response, decision, includeDetail);
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

  private void answerAsync(HttpServletRequest request, CompletableFuture<Decision> pending) {
    AsyncContext async = request.startAsync();
    async.setTimeout(asyncTimeout.toMillis());
    AtomicBoolean settled = new AtomicBoolean();
    async.addListener(
        new AsyncListener() {
          @Override
          public void onTimeout(AsyncEvent event) {
            if (settled.compareAndSet(false, true)) {
              answerAndComplete(async, timedOut("the decision took longer than " + asyncTimeout));
            }
          }

          @Override
          public void onComplete(AsyncEvent event) {}

          @Override
          public void onError(AsyncEvent event) {
            settled.set(true); // the proxy went away: nothing left to answer
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
    var unused =
        pending.whenComplete(
            (decision, failure) -> {
              if (settled.compareAndSet(false, true)) {
                answerAndComplete(async, decision != null ? decision : failed());
              }
            });
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

  private Decision await(CompletableFuture<Decision> pending) {
    try {
      return pending.get(blockingTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return timedOut("the decision took longer than " + blockingTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return timedOut("interrupted while deciding");
    } catch (ExecutionException e) {
      return failed();
    }
  }

  /** Fail closed: a broken pipeline must not let anyone in. */
  private static Decision failed() {
    return Decision.refusal(Reason.INTERNAL, "internal error", null);
  }

  private static Decision timedOut(String detail) {
    return Decision.refusal(Reason.UNAVAILABLE, detail, Duration.ofSeconds(1));
  }

  @Override
  public String toString() {
    return "ForwardAuthServlet[" + gatehouse + "]";
  }

  /** Configures a {@link ForwardAuthServlet}. Every setter validates its argument at once. */
  public static final class Builder {
    private final Gatehouse gatehouse;
    private boolean includeDetail = true;
    private Duration asyncTimeout = Duration.ofSeconds(30);
    private Duration blockingTimeout = Duration.ofSeconds(10);

    private Builder(Gatehouse gatehouse) {
      this.gatehouse = Objects.requireNonNull(gatehouse, "gatehouse");
    }

    /** Whether refusals carry the decision's safe detail in the problem body; default true. */
    public Builder includeDetail(boolean includeDetail) {
      this.includeDetail = includeDetail;
      return this;
    }

    /** How long an asynchronous decision may take before a 503; default 30 s. */
    public Builder asyncTimeout(Duration timeout) {
      this.asyncTimeout = Checks.positive(timeout, "asyncTimeout");
      return this;
    }

    /** The longest a container thread is blocked when async is not supported; default 10 s. */
    public Builder blockingTimeout(Duration timeout) {
      this.blockingTimeout = Checks.positive(timeout, "blockingTimeout");
      return this;
    }

    public ForwardAuthServlet build() {
      return new ForwardAuthServlet(this);
    }
  }
}
