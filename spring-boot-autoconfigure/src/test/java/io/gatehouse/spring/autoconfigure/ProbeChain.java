package io.gatehouse.spring.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An app whose Gatehouse filter guards {@code /api/*} only ({@code gatehouse.filter.url-patterns})
 * and whose chain lets readiness probes reach {@code /actuator/health} without a credential; its
 * own operators log in with HTTP Basic from its own {@link UserDetailsService} elsewhere.
 */
@Configuration(proxyBeanMethods = false)
class ProbeChain {
  static final String OPERATOR = "ops";
  static final String OPERATOR_PASSWORD = "ops-pass-4711";

  @Bean
  SecurityFilterChain healthProbesChain(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(Customizer.withDefaults())
        .build();
  }

  @Bean
  UserDetailsService operators() {
    return new InMemoryUserDetailsManager(
        User.withUsername(OPERATOR).password("{noop}" + OPERATOR_PASSWORD).roles("OPS").build());
  }
}
