package io.gatehouse.servlet;

import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Refusal;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every request through a {@link Gatehouse} before the application sees it.
 *
 * <pre>{@code
 * GatehouseFilter filter = GatehouseFilter.builder(gatehouse).build();
 * FilterHolder holder = new FilterHolder(filter);
 * holder.setAsyncSupported(true);
 * context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
 * }</pre>
 *
 * <p>When the decision is already complete (the cached case) the filter acts inline. Otherwise it
 * calls {@code startAsync()}, frees the container thread, and when the decision arrives either
 * {@linkplain AsyncContext#dispatch() dispatches} the request again (the filter recognises the
 * re-dispatch and lets it through with the stored decision) or writes the refusal and completes.
 * Register the filter {@code asyncSupported} and for the {@code ASYNC} dispatcher type. When the
 * chain does not support async, the filter waits for the decision on the container thread, never
 * longer than {@link Builder#blockingTimeout}, and refuses with 503 after that.
 *
 * <p>Several filters, each with its own pipeline, may guard nested paths (say an admin API behind
 * the app's own filter): each instance decides for itself, also when a forward or an async dispatch
 * brings a request the first filter allowed (register the inner filter for the {@code FORWARD}
 * dispatcher type too). Only a re-dispatch of a request <em>this</em> instance allowed passes
 * straight on.
 *
 * <p>An allowed request reaches the application wrapped: {@code getUserPrincipal()} is an {@link
 * IdentityPrincipal}, {@code isUserInRole(r)} answers prefixed roles, {@code access:READ_WRITE},
 * {@code perm:deploy} (admin permissions) and {@code scope:read} (JWT scopes), so that a scope can
 * never pass for an access level or a permission (see {@link IdentityPrincipal}), and the request
 * attributes {@link #IDENTITY}, {@link #CLIENT_ADDRESS} and {@link #DECISION} (names configurable)
 * hold the {@link Identity}, the resolved client {@link java.net.InetAddress} and the whole {@link
 * Decision}.
 *
 * <p>A refusal is rendered by {@link Refusal}: the decision's status, one {@code WWW-Authenticate}
 * line per challenge, {@code Retry-After} on 503, and an {@code application/problem+json} body. The
 * refused request's body is never waited for: see {@link UnreadBody} for what that means for the
 * connection.
 */
public final class GatehouseFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GatehouseFilter.class);

  /** Default request attribute holding the caller's {@link Identity}. */
  public static final String IDENTITY = "io.gatehouse.identity";

  /** Default request attribute holding the resolved client {@link java.net.InetAddress}. */
  public static final String CLIENT_ADDRESS = "io.gatehouse.clientAddress";

  /** Default request attribute holding the whole {@link Decision}. */
  public static final String DECISION = "io.gatehouse.decision";

  /** Numbers filter instances, so each has its own "already decided" marker. */
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final transient Gatehouse gatehouse;
  private final transient PendingDecision pending;
  private final String identityAttribute;
  private final String clientAddressAttribute;
  private final String decisionAttribute;

  /**
   * This instance's private marker: the request was decided and allowed by this filter, so a
   * re-dispatch (its own async dispatch, a forward, an error page) passes straight on. Another
   * filter instance, with its own pipeline (an admin API behind the app's filter), has another name
   * and decides for itself.
   */
  private final String decidedAttribute;

  private GatehouseFilter(Builder builder) {
    this.gatehouse = builder.gatehouse;
    this.pending = new PendingDecision(builder.settings);
    this.identityAttribute = builder.identityAttribute;
    this.clientAddressAttribute = builder.clientAddressAttribute;
    this.decisionAttribute = builder.decisionAttribute;
    this.decidedAttribute =
        GatehouseFilter.class.getName() + ".decided#" + INSTANCES.incrementAndGet();
  }

  /**
   * The {@link io.gatehouse.core.AuthRequest} view of {@code request} that this filter decides on:
   * the container's normalised path, every header line in order, the peer address parsed from the
   * container's IP literal (never looked up). For servlets that run a pipeline themselves.
   */
  public static io.gatehouse.core.AuthRequest authRequest(HttpServletRequest request) {
    return new ServletAuthRequest(request);
  }

  /** A builder for a filter deciding with {@code gatehouse}. */
  public static Builder builder(Gatehouse gatehouse) {
    return new Builder(gatehouse);
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request.getAttribute(decidedAttribute) instanceof Decided decided) {
      // A re-dispatch (ASYNC after our own startAsync, FORWARD, ERROR...) of a request this very
      // filter allowed. Another GatehouseFilter's marker has another name: it does not count here.
      proceed(request, response, chain, decided.decision());
      return;
    }
    CompletableFuture<Decision> decision =
        gatehouse.decide(new ServletAuthRequest(request)).toCompletableFuture();
    if (decision.isDone()) {
      act(request, response, chain, PendingDecision.outcome(decision));
    } else if (request.isAsyncSupported()) {
      pending.settleAsync(request, decision, this::dispatchOrRefuse);
    } else {
      act(request, response, chain, pending.await(decision));
    }
  }

  private void act(
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain,
      Decision decision)
      throws IOException, ServletException {
    if (decision.allowed()) {
      markAllowed(request, decision);
      proceed(request, response, chain, decision);
    } else {
      RefusalResponse.write(request, response, decision, pending.includeDetail());
    }
  }

  private void proceed(
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain,
      Decision decision)
      throws IOException, ServletException {
    Identity identity = Objects.requireNonNull(decision.identity(), "allowed without identity");
    // Already wrapped with this identity on a re-dispatch; an earlier filter's wrapper (another
    // pipeline, another identity) is wrapped again so the app sees this filter's identity.
    HttpServletRequest wrapped =
        request instanceof IdentityRequest existing && existing.identity().equals(identity)
            ? request
            : new IdentityRequest(request, identity);
    RefusalResponse.setRateLimitHeaders(response, decision);
    chain.doFilter(wrapped, response);
  }

  private void markAllowed(ServletRequest request, Decision decision) {
    request.setAttribute(decidedAttribute, new Decided(decision));
    request.setAttribute(decisionAttribute, decision);
    request.setAttribute(identityAttribute, decision.identity());
    if (decision.clientAddress() != null) {
      request.setAttribute(clientAddressAttribute, decision.clientAddress());
    }
  }

  /** The decision arrived on a freed container thread: dispatch the request again or refuse. */
  private void dispatchOrRefuse(AsyncContext async, Decision decision) {
    if (decision.allowed()) {
      markAllowed(async.getRequest(), decision);
      async.dispatch();
    } else {
      refuseAndComplete(async, decision);
    }
  }

  private void refuseAndComplete(AsyncContext async, Decision decision) {
    try {
      RefusalResponse.write(
          (HttpServletRequest) async.getRequest(),
          (HttpServletResponse) async.getResponse(),
          decision,
          pending.includeDetail());
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not write a refusal: {}", e.toString());
    } finally {
      async.complete();
    }
  }

  @Override
  public String toString() {
    return "GatehouseFilter[" + gatehouse + "]";
  }

  /** The marker stored under {@link #decidedAttribute}: only this class can create one. */
  private record Decided(Decision decision) {}

  /** Configures a {@link GatehouseFilter}. Every setter validates its argument at once. */
  public static final class Builder {
    private final Gatehouse gatehouse;
    private final PendingDecision.Settings settings = new PendingDecision.Settings();
    private String identityAttribute = IDENTITY;
    private String clientAddressAttribute = CLIENT_ADDRESS;
    private String decisionAttribute = DECISION;

    private Builder(Gatehouse gatehouse) {
      this.gatehouse = Objects.requireNonNull(gatehouse, "gatehouse");
    }

    /** Whether refusals carry the decision's safe detail in the problem body; default true. */
    public Builder includeDetail(boolean includeDetail) {
      settings.includeDetail(includeDetail);
      return this;
    }

    /**
     * How long an asynchronous decision may take before the request is refused with 503; default 30
     * s. (The pipeline's own stage timeout normally answers well before.)
     */
    public Builder asyncTimeout(Duration timeout) {
      settings.asyncTimeout(timeout);
      return this;
    }

    /**
     * The longest the filter blocks a container thread for a pending decision when the chain does
     * not support async; default 10 s, then 503.
     */
    public Builder blockingTimeout(Duration timeout) {
      settings.blockingTimeout(timeout);
      return this;
    }

    /** The request attribute that holds the {@link Identity}; default {@link #IDENTITY}. */
    public Builder identityAttribute(String name) {
      this.identityAttribute = requireName(name, "identityAttribute");
      return this;
    }

    /** The request attribute that holds the client address; default {@link #CLIENT_ADDRESS}. */
    public Builder clientAddressAttribute(String name) {
      this.clientAddressAttribute = requireName(name, "clientAddressAttribute");
      return this;
    }

    /** The request attribute that holds the {@link Decision}; default {@link #DECISION}. */
    public Builder decisionAttribute(String name) {
      this.decisionAttribute = requireName(name, "decisionAttribute");
      return this;
    }

    public GatehouseFilter build() {
      if (identityAttribute.equals(clientAddressAttribute)
          || identityAttribute.equals(decisionAttribute)
          || clientAddressAttribute.equals(decisionAttribute)) {
        throw new IllegalArgumentException(
            "request attribute names must differ: identity '"
                + identityAttribute
                + "', clientAddress '"
                + clientAddressAttribute
                + "', decision '"
                + decisionAttribute
                + "'");
      }
      return new GatehouseFilter(this);
    }

    private static String requireName(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
      }
      return value;
    }
  }
}
