package io.gatehouse.spring.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** An app's own chain: a path rule by authority, the rest authenticated, Spring's defaults. */
@Configuration(proxyBeanMethods = false)
class OwnSecurityChain {
  @Bean
  SecurityFilterChain appChain(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/api/reports/**", "/api/reports")
                    .hasAuthority("SCOPE_reports")
                    .anyRequest()
                    .authenticated())
        .build();
  }
}
