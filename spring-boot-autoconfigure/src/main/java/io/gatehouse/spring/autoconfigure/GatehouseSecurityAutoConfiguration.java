package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.ManagedGatehouse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultWebSecurity;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * With Spring Security: every request Gatehouse allowed reaches Spring Security authenticated as a
 * {@link GatehouseAuthentication} (authorities in {@link GatehouseAuthorities}), in the app's own
 * {@code SecurityFilterChain} as in the default one this configures when the app has none. Requests
 * Gatehouse refused never reach Spring Security: Gatehouse's filter runs first and answers them
 * itself (problem+json, {@code WWW-Authenticate}). A Spring rule that refuses an authenticated
 * caller ({@code @PreAuthorize}, {@code hasAuthority}) answers 403.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
      "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"
    })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({
  ManagedGatehouse.class,
  SecurityFilterChain.class,
  RequestAttributeSecurityContextRepository.class,
  SecurityFilterProperties.class
})
public final class GatehouseSecurityAutoConfiguration {

  /**
   * Hands each allowed identity to Spring Security. Refuses to start when Gatehouse's filter would
   * run after Spring Security's: Spring would then decide on requests Gatehouse has not seen.
   */
  @Bean
  IdentityBridge gatehouseSecurityContextBridge(
      GatehouseProperties properties,
      ObjectProvider<SecurityFilterProperties> securityFilter,
      ObjectProvider<SecurityContextHolderStrategy> strategy) {
    SecurityFilterProperties security = securityFilter.getIfAvailable();
    int securityOrder =
        security == null ? SecurityFilterProperties.DEFAULT_FILTER_ORDER : security.getOrder();
    requireBefore(properties.filter().order(), securityOrder);
    return new SecurityContextBridge(
        strategy.getIfAvailable(SecurityContextHolder::getContextHolderStrategy));
  }

  static void requireBefore(int gatehouseOrder, int securityOrder) {
    if (gatehouseOrder >= securityOrder) {
      throw new IllegalStateException(
          "gatehouse.filter.order ("
              + gatehouseOrder
              + ") must be lower than spring.security.filter.order ("
              + securityOrder
              + "): Gatehouse decides before Spring Security");
    }
  }

  /** The chain when the app defines none: every request authenticated, by Gatehouse. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnDefaultWebSecurity
  // Processed before AdminChain, whose chain would otherwise count as the app's own.
  @Order(Ordered.HIGHEST_PRECEDENCE)
  static class DefaultSecurityChain {
    /**
     * Every request needs an authentication (the paths Gatehouse guards have one; others get 401
     * problem+json); CSRF protection is off, as the app's callers authenticate with headers, not
     * cookies (the console keeps its own); Spring's denials answer in problem+json.
     */
    @Bean
    @Order(SecurityFilterProperties.BASIC_AUTH_ORDER)
    SecurityFilterChain gatehouseSecurityFilterChain(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .csrf(AbstractHttpConfigurer::disable)
          .requestCache(AbstractHttpConfigurer::disable)
          .exceptionHandling(
              handling ->
                  handling
                      .authenticationEntryPoint(ProblemHandlers.unauthenticated())
                      .accessDeniedHandler(ProblemHandlers.accessDenied()))
          .build();
    }

    /**
     * No users: stands in for the user store Boot would otherwise make up with a generated
     * password, which nothing in this chain asks for. Only with this chain (an app with its own
     * chain keeps Boot's behaviour) and only when the app has no user store of its own.
     */
    @Bean
    @ConditionalOnMissingBean({UserDetailsService.class, AuthenticationManager.class})
    InMemoryUserDetailsManager gatehouseNoUsers() {
      return new InMemoryUserDetailsManager();
    }
  }

  /**
   * The console and admin API authenticate their callers themselves (console sessions with their
   * own CSRF token, admin tokens): a chain of their own, before any other, lets every request under
   * {@code /_admin/} through to them, with no CSRF check or saved request of Spring's, but with
   * Spring Security's protective headers ({@code X-Frame-Options: DENY}, {@code nosniff}, {@code
   * Cache-Control}) on the cookie-session console.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "gatehouse.admin", name = "enabled", havingValue = "true")
  @Order(Ordered.LOWEST_PRECEDENCE)
  static class AdminChain {
    /** Before the app's chains and the default one. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    @Order(ORDER)
    SecurityFilterChain gatehouseAdminSecurityFilterChain(HttpSecurity http) throws Exception {
      return http.securityMatcher(ManagedGatehouse.ADMIN_PATH + "/**")
          .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .csrf(AbstractHttpConfigurer::disable)
          .requestCache(AbstractHttpConfigurer::disable)
          .build();
    }
  }
}
