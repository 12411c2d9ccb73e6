package io.gatehouse.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.core.Step;
import io.gatehouse.servlet.GatehouseFilter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

class GatehouseMetricsTest {
  private static final Pattern DOT = Pattern.compile("\\.");
  private static final Pattern SAMPLE =
      Pattern.compile("^gatehouse_decisions_total\\{([^}]*)\\} ([0-9.E]+)$", Pattern.MULTILINE);

  @Test
  void scrapedCountsMatchTheRequestsByReasonThroughARealServer() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics metrics = GatehouseMetrics.builder().percentileHistogram(true).build();
    metrics.bindTo(registry);
    try (ApiKeys keys = ApiKeys.builder(TokenStores.inMemory()).listener(metrics).build();
        ApiKeys otherStore = ApiKeys.builder(TokenStores.inMemory()).build()) {
      String token = keys.create(NewToken.apiToken("default").build()).token();
      String revoked = keys.create(NewToken.apiToken("default").build()).token();
      keys.revoke(revoked);
      String unknown = otherStore.create(NewToken.apiToken("default").build()).token();
      Gatehouse gatehouse =
          Gatehouse.builder().authenticator(keys.authenticator()).listener(metrics).build();
      Server server = jetty(GatehouseFilter.builder(gatehouse).build());
      try {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        int allowed = 7;
        for (int i = 0; i < allowed; i++) {
          assertThat(get(port, "/items/" + i, token)).isEqualTo(200);
        }
        int[] refused = {3, 2, 4, 1};
        for (int i = 0; i < refused[0]; i++) {
          assertThat(get(port, "/items", null)).isEqualTo(401);
        }
        for (int i = 0; i < refused[1]; i++) {
          assertThat(get(port, "/items", unknown)).isEqualTo(401);
        }
        for (int i = 0; i < refused[2]; i++) {
          assertThat(get(port, "/items", badChecksum(token, i))).isEqualTo(401);
        }
        for (int i = 0; i < refused[3]; i++) {
          assertThat(get(port, "/items", revoked)).isEqualTo(401);
        }

        String scrape = registry.scrape();
        Map<String, Double> byReason = countsBy(scrape, "reason");
        assertThat(byReason)
            .containsExactlyInAnyOrderEntriesOf(
                Map.of(
                    "allowed", 7.0,
                    "missing_credentials", 3.0,
                    "unknown_credential", 2.0,
                    "malformed", 4.0,
                    "revoked", 1.0));
        assertThat(countsBy(scrape, "outcome")).isEqualTo(Map.of("allowed", 7.0, "refused", 10.0));
        assertThat(countsBy(scrape, "status")).isEqualTo(Map.of("200", 7.0, "401", 10.0));
        assertThat(countsBy(scrape, "space")).isEqualTo(Map.of("default", 17.0));
        assertThat(scrape)
            .contains(
                "gatehouse_stage_seconds_count{result=\"success\",stage=\"authenticator:apikey\"} 7")
            .contains("gatehouse_decision_duration_seconds_count{outcome=\"allowed\"} 7")
            .contains("gatehouse_decision_duration_seconds_bucket{outcome=\"refused\"")
            .containsPattern("gatehouse_cache_total\\{cache=\"apikey\",result=\"hit\"\\} [1-9]")
            .containsPattern("gatehouse_store_reads_seconds_count\\{result=\"found\"\\} [1-9]")
            .containsPattern("gatehouse_events_total\\{type=\"apikey.revoked\"\\} 1");
        assertThat(scrape).doesNotContain(token).doesNotContain(unknown).doesNotContain("/items");
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void tenThousandDistinctTokensPathsAddressesAndSpacesKeepTheSeriesFixed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GatehouseMetrics metrics = GatehouseMetrics.builder().maxSpaces(3).build();
    metrics.bindTo(registry);
    try (ApiKeys keys = ApiKeys.builder(TokenStores.inMemory()).listener(metrics).build()) {
      String token = keys.create(NewToken.apiToken("alpha").build()).token();
      // Spaces come from the Host header: some declared, most not.
      Gatehouse declared =
          Gatehouse.builder()
              .spaceResolver(SpaceResolver.fromHost())
              .knownSpaces(Set.of("alpha", "beta")::contains)
              .authenticator(keys.authenticator())
              .listener(metrics)
              .build();
      // No space check at all: the cap alone bounds the tag.
      Gatehouse open =
          Gatehouse.builder()
              .spaceResolver(SpaceResolver.fromHost())
              .authenticator(keys.authenticator())
              .listener(metrics)
              .build();
      Set<String> hostile = new TreeSet<>();
      int seriesAfterWarmUp = -1;
      for (int i = 0; i < 10_000; i++) {
        String space = i % 5 == 0 ? "alpha" : "s" + i;
        String path = "/p/" + i + "/x" + Integer.toHexString(i * 7919);
        String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
        String presented = i % 3 == 0 ? token : "gh_" + Integer.toString(i * 31, 36) + "x" + i;
        hostile.add(path);
        hostile.add(address);
        hostile.add(presented);
        for (Gatehouse gatehouse : List.of(declared, open)) {
          AuthRequest request =
              AuthRequest.builder()
                  .method(i % 2 == 0 ? "GET" : "POST")
                  .path(path)
                  .header("Host", space + ".example.com")
                  .header("x-apikey", presented)
                  .remoteAddress(address(address))
                  .build();
          Decision unused = gatehouse.decide(request).toCompletableFuture().join();
        }
        if (i == 999) {
          seriesAfterWarmUp = registry.getMeters().size();
        }
      }
      assertThat(registry.getMeters()).hasSize(seriesAfterWarmUp);
      Set<String> tagValues = new TreeSet<>();
      for (Meter meter : registry.getMeters()) {
        meter.getId().getTags().forEach(tag -> tagValues.add(tag.getValue()));
      }
      assertThat(tagValues).doesNotContainAnyElementsOf(hostile);
      Set<String> spaces = new TreeSet<>();
      registry
          .find("gatehouse.decisions")
          .functionCounters()
          .forEach(c -> spaces.add(c.getId().getTag("space")));
      // alpha (declared and served), unknown (refused as undeclared), then the cap of 3 on the
      // pipeline without a check: alpha + two more, and every later space is "other".
      assertThat(spaces).contains("alpha", GatehouseMetrics.UNKNOWN_SPACE, Bounded.OTHER);
      assertThat(spaces).hasSizeLessThanOrEqualTo(3 + 2);
    }
  }

  @Test
  void moduleEventsFeedJwksCacheStoreAndFeedLagMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GatehouseMetrics metrics = GatehouseMetrics.builder().percentileHistogram(false).build();
    metrics.onEvent(
        event(
            "jwks.fetch",
            Map.of("url", "https://idp.example/keys?k=secret", "status", "200", "millis", "12")));
    metrics.bindTo(registry); // series seen before binding are registered when bound
    metrics.bindTo(registry); // twice is once
    metrics.onEvent(
        event(
            "jwks.fetch",
            Map.of("url", "https://idp.example/keys", "status", "304", "millis", "3")));
    metrics.onEvent(
        event(
            "jwks.fetch_failed",
            Map.of("url", "https://idp.example/keys", "millis", "not-a-number")));
    metrics.onEvent(event("jwks.fetch_failed", Map.of("url", "::bad url")));
    metrics.onEvent(event("jwks.fetch_failed", Map.of()));
    metrics.onEvent(event("jwt.cache_hit", Map.of()));
    metrics.onEvent(event("jwt.cache_miss", Map.of()));
    metrics.onEvent(event("apikey.cache_miss", Map.of("found", "false", "millis", "4")));
    metrics.onEvent(event("apikey.store_failed", Map.of("millis", "-5")));
    metrics.onEvent(
        event(
            "apikey.change_arrived",
            Map.of("topic", "token", "via", "notify", "lagMillis", "250")));
    metrics.onEvent(
        event("apikey.change_arrived", Map.of("topic", "token", "via", "carrier pigeon")));

    assertThat(
            registry
                .get("gatehouse.jwks.fetches")
                .tags("host", "idp.example", "result", "ok")
                .functionTimer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("gatehouse.jwks.fetches")
                .tags("result", "revalidated")
                .functionTimer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(3);
    assertThat(
            registry
                .get("gatehouse.jwks.fetches")
                .tags("host", "idp.example", "result", "failed")
                .functionTimer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("gatehouse.jwks.fetches")
                .tags("host", Bounded.OTHER, "result", "failed")
                .functionTimer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("gatehouse.cache")
                .tags("cache", "jwt", "result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry.get("gatehouse.store.reads").tags("result", "absent").functionTimer().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("gatehouse.store.reads")
                .tags("result", "failed")
                .functionTimer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isZero();
    assertThat(
            registry
                .get("gatehouse.feed.lag")
                .tags("topic", "token", "via", "notify")
                .functionTimer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(250);
    assertThat(
            registry.get("gatehouse.feed.lag").tags("via", Bounded.OTHER).functionTimer().count())
        .isEqualTo(1);
    assertThat(
            registry.get("gatehouse.events").tags("type", "jwks.fetch").functionCounter().count())
        .isEqualTo(2);
    assertThat(registry.getMeters())
        .noneMatch(m -> m.getId().getTags().toString().contains("secret"));
  }

  @Test
  void stagesSkippedCountNothingAndRefusalsBeforeTheSpaceCountAsNone() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GatehouseMetrics metrics = GatehouseMetrics.builder().knownSpaces("dev"::equals).build();
    metrics.bindTo(registry);
    AuthRequest request =
        AuthRequest.builder().method("GET").path("/").remoteAddress(address("127.0.0.1")).build();
    metrics.onDecision(
        request,
        new Decision(
            false,
            401,
            null,
            io.gatehouse.core.Reason.MISSING_CREDENTIALS,
            "no",
            List.of(),
            null,
            "",
            null,
            List.of(
                new Step("space", Step.Result.FAILURE, "", 10),
                new Step("access", Step.Result.SKIPPED, "", 0))));
    metrics.onDecision(
        request,
        new Decision(
            false,
            401,
            null,
            io.gatehouse.core.Reason.MISSING_CREDENTIALS,
            "no",
            List.of(),
            null,
            "prod",
            null,
            List.of()));
    assertThat(
            registry
                .get("gatehouse.decisions")
                .tags("space", GatehouseMetrics.NO_SPACE, "authenticator", "none")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("gatehouse.decisions")
                .tags("space", GatehouseMetrics.UNKNOWN_SPACE)
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(registry.find("gatehouse.stage").tags("stage", "access").meters()).isEmpty();
    // Without the histogram the decision time is a count and a sum.
    assertThat(
            registry
                .get("gatehouse.decision.duration")
                .tags("outcome", "refused")
                .functionTimer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("gatehouse.stage")
                .tags("stage", "space", "result", "failure")
                .functionTimer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void builderRefusesABadSpaceCap() {
    assertThatThrownBy(() -> GatehouseMetrics.builder().maxSpaces(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 0");
  }

  private static AuthEvent event(String type, Map<String, String> attributes) {
    return new AuthEvent(type, "", type, attributes, Instant.EPOCH);
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByAddress(
          java.util.Arrays.stream(DOT.split(text))
              .mapToInt(Integer::parseInt)
              .collect(
                  java.io.ByteArrayOutputStream::new,
                  java.io.ByteArrayOutputStream::write,
                  (a, b) -> a.writeBytes(b.toByteArray()))
              .toByteArray());
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** The token with one checksum character changed: malformed, refused with no I/O. */
  private static String badChecksum(String token, int i) {
    char last = token.charAt(token.length() - 1);
    char other = "abcdefgh".charAt(i % 8) == last ? 'z' : "abcdefgh".charAt(i % 8);
    return token.substring(0, token.length() - 1) + other;
  }

  /** Sums {@code gatehouse_decisions_total} samples by one label. */
  static Map<String, Double> countsBy(String scrape, String label) {
    Map<String, Double> counts = new java.util.TreeMap<>();
    Matcher sample = SAMPLE.matcher(scrape);
    Pattern labelValue = Pattern.compile("(?:^|,)" + label + "=\"([^\"]*)\"");
    while (sample.find()) {
      Matcher value = labelValue.matcher(sample.group(1));
      if (value.find()) {
        counts.merge(value.group(1), Double.parseDouble(sample.group(2)), Double::sum);
      }
    }
    return counts;
  }

  private static int get(int port, String path, @org.jspecify.annotations.Nullable String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("x-apikey", token);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static Server jetty(GatehouseFilter filter) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder holder = new FilterHolder(filter);
    holder.setAsyncSupported(true);
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder app =
        new ServletHolder(
            new HttpServlet() {
              private static final long serialVersionUID = 1L;

              @Override
              protected void service(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(200);
              }
            });
    app.setAsyncSupported(true);
    context.addServlet(app, "/*");
    server.setHandler(context);
    server.start();
    return server;
  }
}
