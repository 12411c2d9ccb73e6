package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.ManagedGatehouse;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code gatehouse} health indicator when Spring Boot's health support (Actuator) is present;
 * {@code management.health.gatehouse.enabled=false} turns it off.
 */
@AutoConfiguration(after = GatehouseAutoConfiguration.class)
@ConditionalOnClass({ManagedGatehouse.class, HealthIndicator.class})
@ConditionalOnBean(ManagedGatehouse.class)
@ConditionalOnEnabledHealthIndicator("gatehouse")
public final class GatehouseHealthAutoConfiguration {
  @Bean(name = "gatehouseHealthIndicator")
  @ConditionalOnMissingBean(name = "gatehouseHealthIndicator")
  HealthIndicator gatehouseHealthIndicator(ManagedGatehouse managed) {
    return new GatehouseHealthIndicator(managed);
  }
}
