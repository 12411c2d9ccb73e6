package io.gatehouse.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Step;
import io.gatehouse.netty.GatehouseHandler;
import io.gatehouse.servlet.GatehouseFilter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatehouseTracingTest {
  /** A Gatehouse API or admin token, or any long base62 run that could be its secret. */
  private static final Pattern TOKEN =
      Pattern.compile("gh[a-z]_[0-9A-Za-z]{6,}|[0-9A-Za-z_-]{20,}");

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private ApiKeys keys;
  private String token;

  @BeforeEach
  void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    keys = ApiKeys.builder(TokenStores.inMemory()).build();
    token = keys.create(NewToken.apiToken("default").name("ci").build()).token();
  }

  @AfterEach
  void tearDown() {
    io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    keys.close();
    sdk.close();
  }

  private Gatehouse gatehouse(GatehouseTracing tracing) {
    return Gatehouse.builder().authenticator(keys.authenticator()).listener(tracing).build();
  }

  @Test
  void theSpanTreeOfADecisionMatchesItsExplanationStageByStage() {
    Gatehouse gatehouse = gatehouse(GatehouseTracing.builder(sdk).build());
    Decision decision = decide(gatehouse, token, null);
    assertThat(decision.allowed()).isTrue();

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData root = only(spans, GatehouseTracing.DECIDE);
    assertThat(root.getParentSpanId()).isEqualTo(SpanId.getInvalid());
    assertThat(root.getAttributes().get(GatehouseTracing.OUTCOME)).isEqualTo("allowed");
    assertThat(root.getAttributes().get(GatehouseTracing.REASON)).isEqualTo("allowed");
    assertThat(root.getAttributes().get(GatehouseTracing.AUTHENTICATOR)).isEqualTo("apikey");
    assertThat(root.getAttributes().get(GatehouseTracing.SPACE)).isEqualTo("default");
    assertThat(root.getAttributes().get(GatehouseTracing.SUBJECT)).isNull();

    List<SpanData> children = childrenOf(spans, root);
    List<Step> trace = decision.trace();
    String[] explained = decision.explain().split("\n", -1);
    assertThat(children).hasSize(trace.size());
    assertThat(explained).hasSize(trace.size() + 2); // the outcome, the space, then one per stage
    long at = root.getStartEpochNanos();
    for (int i = 0; i < trace.size(); i++) {
      Step step = trace.get(i);
      SpanData child = children.get(i);
      assertThat(explained[i + 2].strip()).isEqualTo(step.toString().strip());
      assertThat(child.getName()).isEqualTo(step.stage());
      assertThat(explained[i + 2]).contains(child.getName());
      assertThat(child.getAttributes().get(GatehouseTracing.RESULT))
          .isEqualTo(step.result().name().toLowerCase(java.util.Locale.ROOT));
      assertThat(explained[i + 2]).contains(step.result().name());
      assertThat(child.getStartEpochNanos()).isEqualTo(at); // the children tile the parent
      assertThat(child.getEndEpochNanos() - child.getStartEpochNanos()).isEqualTo(step.nanos());
      at = child.getEndEpochNanos();
    }
    assertThat(at).isEqualTo(root.getEndEpochNanos());
  }

  @Test
  void theSubjectIsRecordedOnlyWhenEnabledAndRefusalsCarryTheirReason() {
    Gatehouse gatehouse = gatehouse(GatehouseTracing.builder(sdk).recordSubject(true).build());
    decide(gatehouse, token, null);
    decide(gatehouse, null, null);
    List<SpanData> roots =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(GatehouseTracing.DECIDE))
            .toList();
    assertThat(roots).hasSize(2);
    assertThat(roots.get(0).getAttributes().get(GatehouseTracing.SUBJECT)).isNotBlank();
    assertThat(roots.get(1).getAttributes().get(GatehouseTracing.SUBJECT)).isNull();
    assertThat(roots.get(1).getAttributes().get(GatehouseTracing.REASON))
        .isEqualTo("missing_credentials");
    assertThat(roots.get(1).getAttributes().get(GatehouseTracing.STATUS)).isEqualTo(401L);
  }

  @Test
  void aTraceparentIsContinuedThroughTheServletFilterOnJetty() throws Exception {
    Gatehouse gatehouse = gatehouse(GatehouseTracing.builder(sdk).build());
    Servers.Jetty jetty = Servers.jetty(GatehouseFilter.builder(gatehouse).build());
    try {
      assertThat(get(jetty.uri("/items"), token, TRACEPARENT)).isEqualTo(200);
      assertThat(get(jetty.uri("/items"), null, TRACEPARENT)).isEqualTo(401);
    } finally {
      jetty.close();
    }
    assertContinued(2);
  }

  @Test
  void aTraceparentIsContinuedThroughTheNettyHandler() throws Exception {
    Gatehouse gatehouse = gatehouse(GatehouseTracing.builder(sdk).build());
    try (Servers.Netty netty = new Servers.Netty(GatehouseHandler.builder(gatehouse).build())) {
      assertThat(get(netty.uri("/items"), token, TRACEPARENT)).isEqualTo(200);
      assertThat(get(netty.uri("/items"), "x" + token, TRACEPARENT)).isEqualTo(401);
    }
    assertContinued(2);
  }

  @Test
  void noSecretInAnySpanNameAttributeOrEvent() throws Exception {
    String revoked = keys.create(NewToken.apiToken("default").build()).token();
    keys.revoke(revoked);
    ApiKeys other = ApiKeys.builder(TokenStores.inMemory()).build();
    String unknown = other.create(NewToken.apiToken("default").build()).token();
    other.close();
    String badChecksum = token.substring(0, token.length() - 1) + (token.endsWith("a") ? "b" : "a");
    Gatehouse gatehouse = gatehouse(GatehouseTracing.builder(sdk).recordSubject(true).build());
    List<String> presented = List.of(token, revoked, unknown, badChecksum, "Bearer " + token);
    for (String credential : presented) {
      decide(gatehouse, credential, TRACEPARENT);
      AuthRequest bearer =
          AuthRequest.builder()
              .method("POST")
              .path("/items/" + credential)
              .header("Authorization", "Bearer " + credential)
              .header("traceparent", TRACEPARENT)
              .remoteAddress(InetAddress.getLoopbackAddress())
              .build();
      gatehouse.decide(bearer).toCompletableFuture().join();
    }
    List<String> exported = new ArrayList<>();
    for (SpanData span : exporter.getFinishedSpanItems()) {
      exported.add(span.getName());
      span.getAttributes().forEach((key, value) -> exported.add(key.getKey() + "=" + value));
      for (EventData event : span.getEvents()) {
        exported.add(event.getName());
        event.getAttributes().forEach((key, value) -> exported.add(key.getKey() + "=" + value));
      }
    }
    assertThat(exported).hasSizeGreaterThan(50);
    for (String text : exported) {
      assertThat(TOKEN.matcher(text).find()).as(text).isFalse();
      for (String credential : presented) {
        assertThat(text).doesNotContain(credential.substring(credential.length() - 12));
      }
    }
  }

  @Test
  void withNoSdkNothingIsRecordedAndTheDecisionStands() {
    GatehouseTracing noop = GatehouseTracing.builder(OpenTelemetry.noop()).build();
    assertThat(noop.isNoop()).isTrue();
    assertThat(GatehouseTracing.builder().build().isNoop()).isTrue(); // no SDK installed globally
    assertThat(GatehouseTracing.builder(sdk).build().isNoop()).isFalse();
    Decision decision = decide(gatehouse(noop), token, TRACEPARENT);
    assertThat(decision.allowed()).isTrue();
    Decision global = decide(gatehouse(GatehouseTracing.builder().build()), token, TRACEPARENT);
    assertThat(global.allowed()).isTrue();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aGlobalSdkInstalledAfterTheListenerWasBuiltIsUsedFromThenOn() {
    io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    GatehouseTracing tracing = GatehouseTracing.builder().build();
    Gatehouse gatehouse = gatehouse(tracing);
    assertThat(decide(gatehouse, token, TRACEPARENT).allowed()).isTrue();
    assertThat(tracing.isNoop()).isTrue();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();

    // Looking for it did not set the global instance: the app's own set still works.
    io.opentelemetry.api.GlobalOpenTelemetry.set(sdk);
    assertThat(tracing.isNoop()).isFalse();
    decide(gatehouse, token, TRACEPARENT);
    assertContinued(1);
  }

  private void assertContinued(int decisions) {
    List<SpanData> roots =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(GatehouseTracing.DECIDE))
            .toList();
    assertThat(roots).hasSize(decisions);
    for (SpanData root : roots) {
      assertThat(root.getTraceId()).isEqualTo(TRACE_ID);
      assertThat(root.getParentSpanId()).isEqualTo(PARENT_ID);
      assertThat(childrenOf(exporter.getFinishedSpanItems(), root)).isNotEmpty();
    }
  }

  private static Decision decide(
      Gatehouse gatehouse,
      @org.jspecify.annotations.Nullable String credential,
      @org.jspecify.annotations.Nullable String traceparent) {
    AuthRequest.Builder request =
        AuthRequest.builder()
            .method("GET")
            .path("/items")
            .remoteAddress(InetAddress.getLoopbackAddress());
    if (credential != null) {
      request.header("x-apikey", credential);
    }
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    return gatehouse.decide(request.build()).toCompletableFuture().join();
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).hasSize(1);
    return named.get(0);
  }

  private static List<SpanData> childrenOf(List<SpanData> spans, SpanData parent) {
    return spans.stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .filter(s -> s.getTraceId().equals(parent.getTraceId()))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  private static int get(
      URI uri,
      @org.jspecify.annotations.Nullable String token,
      @org.jspecify.annotations.Nullable String traceparent)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (token != null) {
      request.header("x-apikey", token);
    }
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
