package io.gatehouse.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's protections on real servers (Jetty with the servlet filter, Netty with the handler),
 * each with its own {@link ManagedGatehouse} on one H2 store: the browser rule for API and admin
 * tokens, the per-space switch, and a flood of random well-formed tokens from one address, whose
 * store reads are counted (the lookups' {@code apikey.cache_miss} and {@code apikey.store_failed}
 * events, one per store read).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageProtectionTest {
  static final String APP_ORIGIN = "https://app.example.com";
  static final String FLOODER = "203.0.113.66";
  static final String HONEST = "198.51.100.10";
  static final int FLOOD = 10_000;
  static final int CONCURRENCY = 64;

  /** The decisions' clock stands still: no failure is regained during the test. */
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T04:00:00Z"), ZoneOffset.UTC);

  private final Map<String, AtomicInteger> storeReadsByKey = new ConcurrentHashMap<>();
  private JettyApp jetty;
  private NettyApp netty;
  private List<App> apps;
  private Management operator;
  private String apiToken;
  private String apiTokenId;
  private String listedToken;
  private String adminToken;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    String url = TokenStores.h2Url(dir.resolve("store"));
    AuthListener countReads =
        new AuthListener() {
          @Override
          public void onEvent(AuthEvent event) {
            if (event.type().equals("apikey.cache_miss")
                || event.type().equals("apikey.store_failed")) {
              storeReadsByKey
                  .computeIfAbsent(
                      event.attributes().getOrDefault("key", "?"), k -> new AtomicInteger())
                  .incrementAndGet();
            }
          }
        };
    // Set up before the apps start, so that each loads it: the test client is the trusted proxy,
    // and each request names its client in X-Forwarded-For.
    try (ManagedGatehouse setup = ManagedGatehouse.builder(url).clock(clock).build();
        Management admin = setup.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator())) {
      admin.trustProxies(new SpaceConfig.Proxies(List.of("127.0.0.1/32"), 0));
      Management.CreatedTokenView api =
          admin.createToken(
              new Management.TokenRequest(false, false, "srv", null, List.of(), null));
      apiToken = api.token();
      apiTokenId = api.info().id();
      listedToken =
          admin
              .createToken(
                  new Management.TokenRequest(
                      false, false, "spa", null, List.of(), null, List.of(APP_ORIGIN)))
              .token();
      adminToken =
          admin
              .createToken(
                  new Management.TokenRequest(true, false, "ci", null, List.of("deploy"), null))
              .token();
    }
    jetty = new JettyApp(ManagedGatehouse.builder(url).clock(clock).listener(countReads).build());
    netty = new NettyApp(ManagedGatehouse.builder(url).clock(clock).build());
    apps = List.of(jetty, netty);
    operator = jetty.managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
    awaitEveryApp("200", app -> app.outcome("x-apikey", apiToken, "X-Forwarded-For", HONEST));
  }

  @AfterAll
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (netty != null) {
      netty.close();
    }
    if (jetty != null) {
      jetty.close();
    }
  }

  /** Polls every app (up to 3 s) until it shows {@code expected}; then asserts it. */
  private void awaitEveryApp(String expected, Propagation.Probe probe) throws Exception {
    for (App app : apps) {
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      String seen = probe.outcome(app);
      while (!seen.equals(expected) && System.nanoTime() < deadline) {
        Thread.sleep(50); // waiting for the change feed, another process's clock: no way around
        seen = probe.outcome(app);
      }
      assertThat(seen).as(app.name).isEqualTo(expected);
    }
  }

  /** Header pairs for an API token, then the case's own. */
  private static String[] with(String header, String token, String... more) {
    String[] all = new String[more.length + 2];
    all[0] = header;
    all[1] = token;
    System.arraycopy(more, 0, all, 2, more.length);
    return all;
  }

  @Test
  void browserHeaderMatrixForAnApiTokenThroughBothAdapters() {
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("200", List.of()); // a server-side client
    cases.put("403 browser_refused", List.of("Origin", "https://evil.example"));
    cases.put("403 browser_refused ", List.of("Origin", "null"));
    cases.put("403 browser_refused  ", List.of("Sec-Fetch-Site", "cross-site"));
    cases.put("403 browser_refused   ", List.of("Sec-Fetch-Site", "same-site"));
    cases.put("403 browser_refused    ", List.of("Sec-Fetch-Mode", "cors"));
    cases.put("403 browser_refused     ", List.of("Sec-Fetch-Mode", "navigate"));
    cases.put("403 browser_refused      ", List.of("Sec-Fetch-Mode", "no-cors"));
    cases.put(
        "403 browser_refused       ",
        List.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors"));
    cases.put("200 ", List.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "same-origin"));
    cases.put("200  ", List.of("Sec-Fetch-Site", "none"));
    cases.put("200   ", List.of("Referer", APP_ORIGIN + "/page")); // no browser marker at all
    cases.put(
        "403 browser_refused        ",
        List.of("Referer", APP_ORIGIN + "/page", "Sec-Fetch-Site", "cross-site"));
    for (App app : apps) {
      cases.forEach(
          (expected, headers) ->
              assertThat(app.outcome(with("x-apikey", apiToken, headers.toArray(String[]::new))))
                  .as(app.name + " " + headers)
                  .isEqualTo(expected.strip()));
    }
  }

  @Test
  void aListedOriginIsAllowedAndNothingElseIs() {
    for (App app : apps) {
      String[][] allowed = {
        {"Origin", APP_ORIGIN, "Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors"},
        {"Origin", "HTTPS://App.Example.com:443"},
        {}
      };
      for (String[] headers : allowed) {
        assertThat(app.outcome(with("x-apikey", listedToken, headers)))
            .as(app.name + " " + List.of(headers))
            .isEqualTo("200");
      }
      String[][] refused = {
        {"Origin", "http://app.example.com"},
        {"Origin", "https://app.example.com.evil.example"},
        {"Origin", "https://app.example.com:8443"},
        {"Sec-Fetch-Site", "cross-site"},
        {"Referer", APP_ORIGIN + "/", "Sec-Fetch-Mode", "cors"},
      };
      for (String[] headers : refused) {
        assertThat(app.outcome(with("x-apikey", listedToken, headers)))
            .as(app.name + " " + List.of(headers))
            .isEqualTo("403 browser_refused");
      }
    }
  }

  @Test
  void adminTokensAreForScriptsToo() {
    for (App app : apps) {
      assertThat(app.outcome("Authorization", "Bearer " + adminToken)).isEqualTo("200");
      assertThat(
              app.outcome(
                  "Authorization",
                  "Bearer " + adminToken,
                  "Origin",
                  "https://evil.example",
                  "Sec-Fetch-Mode",
                  "cors"))
          .as(app.name)
          .isEqualTo("403 browser_refused");
    }
  }

  @Test
  void browserRefusalsAreNotCountedAsRefusedCredentials() {
    for (int i = 0; i < 30; i++) {
      assertThat(
              jetty.outcome(
                  "x-apikey",
                  apiToken,
                  "Origin",
                  "https://evil.example",
                  "X-Forwarded-For",
                  "192.0.2.77"))
          .isEqualTo("403 browser_refused");
    }
    assertThat(jetty.outcome("x-apikey", apiToken, "X-Forwarded-For", "192.0.2.77"))
        .isEqualTo("200");
  }

  @Test
  void theSpaceSwitchAllowsBrowsersOnEveryInstanceAndBack() throws Exception {
    String[] fromPage = with("x-apikey", apiToken, "Origin", "https://evil.example");
    try {
      operator.browsers(true);
      awaitEveryApp("200", app -> app.outcome(fromPage));
    } finally {
      operator.browsers(false);
    }
    awaitEveryApp("403 browser_refused", app -> app.outcome(fromPage));
  }

  @Test
  void aFloodOfRandomWellFormedTokensFromOneAddressIsBoundedWhileOthersGet200() throws Exception {
    List<String> random = new ArrayList<>(FLOOD);
    try (ApiKeys elsewhere = ApiKeys.builder(TokenStores.inMemory()).build()) {
      for (int i = 0; i < FLOOD; i++) {
        random.add(elsewhere.create(NewToken.apiToken("dev").build()).token());
      }
    }
    int readsBefore = floodReads();
    HttpClient http =
        HttpClient.newBuilder()
            .executor(Executors.newFixedThreadPool(8))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    Map<Integer, AtomicInteger> floodStatuses = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> honestStatuses = new ConcurrentHashMap<>();
    AtomicBoolean flooding = new AtomicBoolean(true);
    ExecutorService honest = Executors.newSingleThreadExecutor();
    CompletableFuture<Void> honestLoop =
        CompletableFuture.runAsync(
            () -> {
              while (flooding.get()) {
                count(honestStatuses, send(http, apiToken, HONEST));
              }
            },
            honest);
    Semaphore inFlight = new Semaphore(CONCURRENCY);
    List<CompletableFuture<?>> sent = new ArrayList<>(FLOOD);
    long started = System.nanoTime();
    for (String token : random) {
      inFlight.acquire();
      sent.add(
          http.sendAsync(request(token, FLOODER), HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (response, error) -> {
                    inFlight.release();
                    count(floodStatuses, error != null ? -1 : response.statusCode());
                  }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    long millis = (System.nanoTime() - started) / 1_000_000;
    flooding.set(false);
    honestLoop.get(1, TimeUnit.MINUTES);
    honest.shutdown();

    int reads = floodReads() - readsBefore;
    System.out.printf(
        "flood of %d random tokens from one address, %d in flight: %d ms, store reads %d,"
            + " flood statuses %s, honest client statuses %s%n",
        FLOOD, CONCURRENCY, millis, reads, floodStatuses, honestStatuses);
    // 20 refused credentials, then 429 before any read; at most 4 reads in flight per address,
    // plus the requests already past the throttle when the 20th failure was counted.
    assertThat(reads).isLessThanOrEqualTo(20 + 4 + CONCURRENCY);
    assertThat(floodStatuses.keySet()).containsOnly(401, 429);
    assertThat(floodStatuses.get(429).get()).isGreaterThanOrEqualTo(FLOOD - 20 - 4 - CONCURRENCY);
    assertThat(honestStatuses.keySet()).containsOnly(200);
    assertThat(honestStatuses.get(200).get()).isPositive();
    assertThat(storeReadsByKey.get(apiTokenId).get()).isEqualTo(1); // cached from the first
  }

  private int floodReads() {
    return storeReadsByKey.entrySet().stream()
        .filter(e -> !e.getKey().equals(apiTokenId))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  private HttpRequest request(String token, String client) {
    return HttpRequest.newBuilder(jetty.base().resolve(URI.create("/api/hello")))
        .timeout(Duration.ofSeconds(30))
        .header("x-apikey", token)
        .header("X-Forwarded-For", client)
        .GET()
        .build();
  }

  private int send(HttpClient http, String token, String client) {
    try {
      return http.send(request(token, client), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void count(Map<Integer, AtomicInteger> statuses, int status) {
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
  }
}
