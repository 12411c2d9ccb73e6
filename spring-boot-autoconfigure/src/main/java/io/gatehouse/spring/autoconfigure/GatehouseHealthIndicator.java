package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.core.Health.Component;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link ManagedGatehouse#health()} as an Actuator health indicator ({@code gatehouse}): UP, {@link
 * #DEGRADED} or DOWN as Gatehouse reports it, with one detail per component ({@code tokenStore},
 * {@code changeFeed}, {@code jwks-1}, ...) holding its status, whether it is required, and its
 * terse details. Gatehouse's health never names a URL, a host or a secret, so the details are safe
 * to show. Checked at most once a second however often it is asked.
 */
final class GatehouseHealthIndicator implements HealthIndicator {
  /** Working, but not as configured (stale keys, an optional component DOWN): still ready. */
  static final Status DEGRADED = new Status("DEGRADED", "working, not as well as configured");

  private final ManagedGatehouse managed;

  GatehouseHealthIndicator(ManagedGatehouse managed) {
    this.managed = managed;
  }

  @Override
  public Health health() {
    io.gatehouse.core.Health health = managed.health();
    Health.Builder builder = Health.status(status(health.status()));
    for (Component component : health.components()) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("status", status(component.status()).getCode());
      detail.put("required", component.required());
      detail.putAll(component.details());
      builder.withDetail(component.name(), detail);
    }
    return builder.build();
  }

  static Status status(io.gatehouse.core.Health.Status status) {
    return switch (status) {
      case UP -> Status.UP;
      case DEGRADED -> DEGRADED;
      case DOWN -> Status.DOWN;
    };
  }
}
