package io.gatehouse.spring.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An app whose Gatehouse filter guards {@code /api/*} only ({@code gatehouse.filter.url-patterns})
 * and whose chain lets readiness probes reach {@code /actuator/health} without a credential.
 */
@Configuration(proxyBeanMethods = false)
class ProbeChain {
  @Bean
  SecurityFilterChain healthProbesChain(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .build();
  }
}
