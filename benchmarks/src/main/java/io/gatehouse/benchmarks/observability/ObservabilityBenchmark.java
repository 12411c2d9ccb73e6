package io.gatehouse.benchmarks.observability;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.micrometer.GatehouseMetrics;
import io.gatehouse.opentelemetry.GatehouseTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observability adds to a decision (issue 15's goals: Micrometer at most 150 ns, OpenTelemetry
 * with no SDK at most 50 ns). The same API-token pipeline (a cached token, in memory) decides with
 * no listener ({@code barePipeline}, the floor), with {@link GatehouseMetrics} bound to a
 * Prometheus registry (its API-token store reporting cache hits too; without and with the
 * percentile histogram), and with {@link GatehouseTracing} over {@link GlobalOpenTelemetry} with no
 * SDK installed (a no-op). The {@code ...ListenerAlone} rows call the listener on a finished
 * decision: its cost with nothing else around it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObservabilityBenchmark {
  private ApiKeys bareKeys;
  private ApiKeys meteredKeys;
  private Gatehouse bare;
  private Gatehouse metered;
  private Gatehouse meteredWithHistogram;
  private ApiKeys histogramKeys;
  private Gatehouse traced;
  private GatehouseMetrics metrics;
  private AuthListener tracing;
  private AuthRequest request;
  private Decision decision;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = GatehouseMetrics.builder().build();
    metrics.bindTo(registry);
    tracing = GatehouseTracing.builder(GlobalOpenTelemetry.get()).build();

    bareKeys = ApiKeys.builder(TokenStores.inMemory()).build();
    meteredKeys = ApiKeys.builder(bareKeys.store()).listener(metrics).build();
    String token = bareKeys.create(NewToken.apiToken("default").build()).token();
    bare = Gatehouse.builder().authenticator(bareKeys.authenticator()).build();
    metered =
        Gatehouse.builder().authenticator(meteredKeys.authenticator()).listener(metrics).build();
    GatehouseMetrics withHistogram = GatehouseMetrics.builder().percentileHistogram(true).build();
    withHistogram.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    histogramKeys = ApiKeys.builder(bareKeys.store()).listener(withHistogram).build();
    meteredWithHistogram =
        Gatehouse.builder()
            .authenticator(histogramKeys.authenticator())
            .listener(withHistogram)
            .build();
    traced = Gatehouse.builder().authenticator(bareKeys.authenticator()).listener(tracing).build();
    request =
        AuthRequest.builder()
            .method("GET")
            .path("/items")
            .header("x-apikey", token)
            .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .remoteAddress(InetAddress.getLoopbackAddress())
            .build();
    decision = bare.decide(request).toCompletableFuture().join();
    if (!decision.allowed()
        || !metered.decide(request).toCompletableFuture().join().allowed()
        || !meteredWithHistogram.decide(request).toCompletableFuture().join().allowed()
        || !traced.decide(request).toCompletableFuture().join().allowed()) {
      throw new IllegalStateException("the benchmark's token must be accepted");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    meteredKeys.close();
    histogramKeys.close();
    bareKeys.close();
  }

  @Benchmark
  public Decision barePipeline() {
    return bare.decide(request).toCompletableFuture().join();
  }

  @Benchmark
  public Decision micrometerPipeline() {
    return metered.decide(request).toCompletableFuture().join();
  }

  /** With {@code percentileHistogram(true)}, as p99 needs (and {@code gatehouse serve} sets). */
  @Benchmark
  public Decision micrometerWithHistogramPipeline() {
    return meteredWithHistogram.decide(request).toCompletableFuture().join();
  }

  @Benchmark
  public Decision openTelemetryNoSdkPipeline() {
    return traced.decide(request).toCompletableFuture().join();
  }

  @Benchmark
  public Decision micrometerListenerAlone() {
    metrics.onDecision(request, decision);
    return decision;
  }

  @Benchmark
  public Decision openTelemetryNoSdkListenerAlone() {
    tracing.onDecision(request, decision);
    return decision;
  }
}
