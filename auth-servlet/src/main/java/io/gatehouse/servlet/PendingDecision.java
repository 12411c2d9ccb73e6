package io.gatehouse.servlet;

import io.gatehouse.core.Checks;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Reason;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * How a servlet adapter ({@link GatehouseFilter}, {@link ForwardAuthServlet}) waits for a decision
 * that is not complete yet: asynchronously, bounded by the async timeout, or on the container
 * thread, bounded by the blocking timeout. Either way it fails closed: a pipeline that fails is a
 * 500 refusal, one that takes too long a 503.
 */
final class PendingDecision {
  private final boolean includeDetail;
  private final Duration asyncTimeout;
  private final Duration blockingTimeout;

  PendingDecision(Settings settings) {
    this.includeDetail = settings.includeDetail;
    this.asyncTimeout = settings.asyncTimeout;
    this.blockingTimeout = settings.blockingTimeout;
  }

  /** Whether refusals carry the decision's safe detail in the problem body. */
  boolean includeDetail() {
    return includeDetail;
  }

  /** The outcome of a decision that is already complete. */
  static Decision outcome(CompletableFuture<Decision> done) {
    return done.isCompletedExceptionally() ? failed() : done.join();
  }

  /**
   * Frees the container thread: {@code settle} gets the decision, or the 503 refusal when the async
   * timeout comes first, exactly once, and never after the client went away.
   */
  void settleAsync(
      HttpServletRequest request,
      CompletableFuture<Decision> pending,
      BiConsumer<AsyncContext, Decision> settle) {
    AsyncContext async = request.startAsync();
    async.setTimeout(asyncTimeout.toMillis());
    AtomicBoolean settled = new AtomicBoolean();
    async.addListener(
        new AsyncListener() {
          @Override
          public void onTimeout(AsyncEvent event) {
            if (settled.compareAndSet(false, true)) {
              settle.accept(async, timedOut("the decision took longer than " + asyncTimeout));
            }
          }

          @Override
          public void onComplete(AsyncEvent event) {}

          @Override
          public void onError(AsyncEvent event) {
            settled.set(true); // the client went away: nothing left to answer
          }

          @Override
          public void onStartAsync(AsyncEvent event) {}
        });
    var unused =
        pending.whenComplete(
            (decision, failure) -> {
              if (settled.compareAndSet(false, true)) {
                settle.accept(async, decision != null ? decision : failed());
              }
            });
  }

  /** Waits on a container thread that cannot go async, never past the blocking timeout. */
  Decision await(CompletableFuture<Decision> pending) {
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

  /** Fail closed: the pipeline promises never to fail, but a broken one must not let anyone in. */
  private static Decision failed() {
    return Decision.refusal(Reason.INTERNAL, "internal error", null);
  }

  private static Decision timedOut(String detail) {
    return Decision.refusal(Reason.UNAVAILABLE, detail, Duration.ofSeconds(1));
  }

  /** The builders' shared settings, each validated when set. */
  static final class Settings {
    private boolean includeDetail = true;
    private Duration asyncTimeout = Duration.ofSeconds(30);
    private Duration blockingTimeout = Duration.ofSeconds(10);

    void includeDetail(boolean include) {
      this.includeDetail = include;
    }

    void asyncTimeout(Duration timeout) {
      this.asyncTimeout = Checks.positive(timeout, "asyncTimeout");
    }

    void blockingTimeout(Duration timeout) {
      this.blockingTimeout = Checks.positive(timeout, "blockingTimeout");
    }
  }
}
