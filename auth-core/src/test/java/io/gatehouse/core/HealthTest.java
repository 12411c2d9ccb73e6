package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Health.Component;
import io.gatehouse.core.Health.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void aRequiredComponentDownMakesTheWholeDown() {
    Health health =
        Health.of(
            List.of(
                Component.of("tokenStore", Status.DOWN, true),
                Component.of("jwks-1", Status.UP, false)));
    assertThat(health.status()).isEqualTo(Status.DOWN);
    assertThat(health.ready()).isFalse();
  }

  @Test
  void anOptionalComponentDownOnlyDegrades() {
    Health health =
        Health.of(
            List.of(
                Component.of("tokenStore", Status.UP, true),
                Component.of("jwks-1", Status.DOWN, false)));
    assertThat(health.status()).isEqualTo(Status.DEGRADED);
    assertThat(health.ready()).isTrue();
  }

  @Test
  void anyDegradedComponentDegradesAndAllUpIsUp() {
    assertThat(
            Health.of(
                    List.of(
                        Component.of("a", Status.UP, true),
                        Component.of("b", Status.DEGRADED, true)))
                .status())
        .isEqualTo(Status.DEGRADED);
    assertThat(Health.of(List.of(Component.of("a", Status.UP, true))).status())
        .isEqualTo(Status.UP);
    assertThat(Health.of(List.of()).status()).isEqualTo(Status.UP);
  }

  @Test
  void componentsAreFoundByName() {
    Component store = Component.of("tokenStore", Status.UP, true);
    Health health = Health.of(List.of(store));
    assertThat(health.component("tokenStore")).isEqualTo(store);
    assertThat(health.component("changeFeed")).isNull();
  }

  @Test
  void detailsKeepTheirOrderAndRefuseUrlsAndLongOrControlText() {
    Component component =
        new Component(
            "jwks-1",
            Status.DEGRADED,
            false,
            new java.util.LinkedHashMap<>(Map.of("keys", "2"))); // one entry: order is trivial
    assertThat(component.details()).containsExactly(Map.entry("keys", "2"));
    assertThatThrownBy(
            () ->
                new Component(
                    "jwks-1", Status.UP, false, Map.of("source", "https://idp.example/jwks")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'source'")
        .hasMessageNotContaining("idp.example");
    assertThatThrownBy(() -> new Component("a", Status.UP, false, Map.of("error", "x".repeat(65))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Component("a", Status.UP, false, Map.of("error", "line\nbreak")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Component("a", Status.UP, false, Map.of("bad key", "v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("detail name");
  }

  @Test
  void componentNamesAreShortIdentifiers() {
    assertThatThrownBy(() -> Component.of("", Status.UP, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Component.of("https://idp", Status.UP, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("component name");
    assertThatThrownBy(() -> Component.of("a".repeat(65), Status.UP, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void allJoinsChecksInOrderAndTurnsAThrowingOneIntoARequiredDownComponent() {
    HealthCheck store = () -> List.of(Component.of("tokenStore", Status.UP, true));
    HealthCheck broken =
        () -> {
          throw new IllegalStateException("secret-laden message");
        };
    Health health = HealthCheck.all(store, broken).health();
    assertThat(health.components())
        .extracting(Component::name)
        .containsExactly("tokenStore", "check-2");
    Component failed = health.component("check-2");
    assertThat(failed).isNotNull();
    assertThat(failed.required()).isTrue();
    assertThat(failed.details()).containsExactly(Map.entry("error", "IllegalStateException"));
    assertThat(health.status()).isEqualTo(Status.DOWN);
  }

  @Test
  void throttledRunsTheCheckAtMostOncePerInterval() {
    AtomicInteger runs = new AtomicInteger();
    AtomicLong nanos = new AtomicLong();
    HealthCheck counted =
        () -> List.of(Component.of("n" + runs.incrementAndGet(), Status.UP, true));
    HealthCheck throttled = HealthCheck.throttled(counted, Duration.ofSeconds(1), nanos::get);

    assertThat(throttled.check()).extracting(Component::name).containsExactly("n1");
    nanos.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(throttled.check()).extracting(Component::name).containsExactly("n1");
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(throttled.check()).extracting(Component::name).containsExactly("n2");
    assertThat(runs).hasValue(2);
  }

  @Test
  void throttledValidatesItsArguments() {
    HealthCheck none = List::of;
    assertThatThrownBy(() -> HealthCheck.throttled(none, Duration.ZERO, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minInterval");
  }
}
