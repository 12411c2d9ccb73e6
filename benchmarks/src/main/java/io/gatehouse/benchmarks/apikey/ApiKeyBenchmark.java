package io.gatehouse.benchmarks.apikey;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Settings;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * A cached API-token check (shape, checksum, SHA-256, cache lookup, constant-time compare, expiry
 * and revocation) against its floor: one bare SHA-256 of the token with a reused digest. Also: a
 * malformed token's refusal, an unknown id answered from the negative cache, and the whole pipeline
 * around a cached check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ApiKeyBenchmark {
  private ApiKeys keys;
  private Authenticator authenticator;
  private Gatehouse gatehouse;
  private String token;
  private AuthContext valid;
  private AuthContext malformed;
  private AuthContext unknown;
  private AuthRequest validRequest;

  /** One digest per benchmark thread, as the authenticator keeps one per thread. */
  @State(Scope.Thread)
  public static class Digest {
    MessageDigest sha256;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
      sha256 = MessageDigest.getInstance("SHA-256");
    }
  }

  @Setup
  public void setUp() throws Exception {
    keys = ApiKeys.builder(TokenStores.inMemory()).build();
    authenticator = keys.authenticator();
    gatehouse = Gatehouse.builder().authenticator(authenticator).build();
    token = keys.create(NewToken.apiToken("default").build()).token();
    String wrongChecksum =
        token.substring(0, token.length() - 1) + (token.endsWith("a") ? 'b' : 'a');
    // Well formed, right checksum, but an id the store has never seen.
    String unknownToken = withChecksum("ghk_Unknown000_" + "A".repeat(22));
    valid = context(token);
    malformed = context(wrongChecksum);
    unknown = context(unknownToken);
    validRequest = valid.request();
    // Warm the cache (the first check of each goes to the store on the I/O executor).
    authenticator.authenticate(valid).toCompletableFuture().get(5, TimeUnit.SECONDS);
    authenticator.authenticate(unknown).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @TearDown
  public void tearDown() {
    keys.close();
  }

  private static AuthContext context(String token) {
    return new AuthContext(
        AuthRequest.builder().method("GET").path("/items").header("x-apikey", token).build(),
        "default",
        InetAddress.getLoopbackAddress(),
        Settings.empty(),
        Instant.now());
  }

  /** Appends the CRC32 checksum in 6 base62 digits, as the token format defines it. */
  private static String withChecksum(String body) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char[] out = new char[6];
    long rest = crc.getValue();
    for (int i = 5; i >= 0; i--) {
      out[i] = alphabet.charAt((int) (rest % 62));
      rest /= 62;
    }
    return body + new String(out);
  }

  @Benchmark
  public byte[] bareSha256(Digest digest) {
    return digest.sha256.digest(token.getBytes(StandardCharsets.UTF_8));
  }

  @Benchmark
  public AuthOutcome cachedTokenCheck() {
    return authenticator.authenticate(valid).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome malformedToken() {
    return authenticator.authenticate(malformed).toCompletableFuture().join();
  }

  @Benchmark
  public AuthOutcome unknownTokenNegativelyCached() {
    return authenticator.authenticate(unknown).toCompletableFuture().join();
  }

  @Benchmark
  public Decision pipelineCachedToken() {
    return gatehouse.decide(validRequest).toCompletableFuture().join();
  }
}
