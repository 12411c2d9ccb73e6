package io.gatehouse.benchmarks.usage;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Settings;
import io.gatehouse.core.UsageVerdict;
import io.gatehouse.usage.LimitSource;
import io.gatehouse.usage.UsageLimiter;
import io.gatehouse.usage.UsageLimits;
import java.net.InetAddress;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a rate limit adds to the cached API-token check: the floor is the cached check alone ({@code
 * bareCachedCheck}); {@code cachedCheckWithLimit} adds the usage gate with one rate limit in a
 * local bucket (the limit looked up in memory, one Bucket4j consume, the RateLimit state); {@code
 * limitCheckAlone} is the gate by itself. The limit is high enough never to refuse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UsageLimitBenchmark {
  private ApiKeys keys;
  private Authenticator authenticator;
  private UsageLimiter limiter;
  private AuthContext valid;
  private Identity identity;

  @Setup
  public void setUp() throws Exception {
    keys = ApiKeys.builder(TokenStores.inMemory()).build();
    authenticator = keys.authenticator();
    String token = keys.create(NewToken.apiToken("default").build()).token();
    valid =
        new AuthContext(
            AuthRequest.builder().method("GET").path("/items").header("x-apikey", token).build(),
            "default",
            InetAddress.getLoopbackAddress(),
            Settings.empty(),
            Instant.now());
    AuthOutcome outcome =
        authenticator.authenticate(valid).toCompletableFuture().get(5, TimeUnit.SECONDS);
    identity = ((AuthOutcome.Success) outcome).identity();
    LimitSource.Active limit =
        new LimitSource.Active(UsageLimits.parse("1000000000/1s", null, null), 1);
    String id = identity.credentialId();
    limiter =
        UsageLimiter.builder(
                (space, tokenId) -> tokenId.equals(id) && space.equals("default") ? limit : null)
            .build();
  }

  @TearDown
  public void tearDown() {
    limiter.close();
    keys.close();
  }

  @Benchmark
  public AuthOutcome bareCachedCheck() {
    return authenticator.authenticate(valid).toCompletableFuture().join();
  }

  @Benchmark
  public UsageVerdict cachedCheckWithLimit() {
    AuthOutcome outcome = authenticator.authenticate(valid).toCompletableFuture().join();
    return limiter
        .check(valid, ((AuthOutcome.Success) outcome).identity())
        .toCompletableFuture()
        .join();
  }

  @Benchmark
  public UsageVerdict limitCheckAlone() {
    return limiter.check(valid, identity).toCompletableFuture().join();
  }
}
