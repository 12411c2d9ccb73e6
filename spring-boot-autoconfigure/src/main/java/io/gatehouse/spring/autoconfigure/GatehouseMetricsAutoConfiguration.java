package io.gatehouse.spring.autoconfigure;

import io.gatehouse.micrometer.GatehouseMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Gatehouse's meters when Micrometer and auth-micrometer are present: a {@link GatehouseMetrics}
 * bean, which is both the {@code MeterBinder} Spring Boot binds to every registry and an {@code
 * AuthListener} the {@link io.gatehouse.admin.ManagedGatehouse} passes every decision and event to.
 * Meters: {@code gatehouse.decisions}, {@code gatehouse.decision.duration}, {@code
 * gatehouse.stage}, {@code gatehouse.jwks.fetches}, {@code gatehouse.cache}, {@code
 * gatehouse.store.reads}, {@code gatehouse.feed.lag}, {@code gatehouse.events}.
 */
@AutoConfiguration(before = GatehouseAutoConfiguration.class)
@ConditionalOnClass({GatehouseMetrics.class, MeterRegistry.class})
public final class GatehouseMetricsAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  GatehouseMetrics gatehouseMetrics() {
    return GatehouseMetrics.builder().build();
  }
}
