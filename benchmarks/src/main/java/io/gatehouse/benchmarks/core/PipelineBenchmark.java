package io.gatehouse.benchmarks.core;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pipeline's own overhead on the fast path: one authenticator that answers synchronously from
 * memory, compared with calling that authenticator directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PipelineBenchmark {
  private Gatehouse gatehouse;
  private Gatehouse untimed;
  private AuthRequest request;
  private Authenticator authenticator;
  private CompletionStage<AuthOutcome> success;

  @Setup
  public void setUp() {
    Identity identity =
        Identity.builder("bench", "static", SpaceResolver.DEFAULT_SPACE)
            .access(Access.READ_WRITE)
            .build();
    success = CompletableFuture.completedFuture(AuthOutcome.success(identity));
    authenticator =
        new Authenticator() {
          @Override
          public String id() {
            return "static";
          }

          @Override
          public CompletionStage<AuthOutcome> authenticate(io.gatehouse.core.AuthContext ctx) {
            return success;
          }
        };
    gatehouse = Gatehouse.builder().authenticator(authenticator).build();
    // The same pipeline with stage timing off: what the trace's clock reads cost.
    untimed = Gatehouse.builder().authenticator(authenticator).nanoTicker(() -> 0L).build();
    request = AuthRequest.builder().method("GET").path("/api/hello").build();
  }

  @Benchmark
  public Decision pipelineFastPath() {
    return gatehouse.decide(request).toCompletableFuture().join();
  }

  @Benchmark
  public Decision pipelineWithoutStageTimings() {
    return untimed.decide(request).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome authenticatorAlone() {
    return authenticator.authenticate(null).toCompletableFuture().join();
  }
}
