package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.core.AuthHook;
import io.gatehouse.core.AuthListener;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Gatehouse in a servlet Spring Boot app: a {@link ManagedGatehouse} on the store of {@code
 * gatehouse.store.url} with every {@link AuthHook} and {@link AuthListener} bean (in their
 * {@code @Order}), closed with the context; its filter on {@code gatehouse.filter.url-patterns} for
 * the REQUEST and ASYNC dispatches at {@code gatehouse.filter.order}; and, with {@code
 * gatehouse.admin.enabled=true}, the console and admin API at {@code /_admin/*}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ManagedGatehouse.class, GatehouseFilter.class})
@EnableConfigurationProperties(GatehouseProperties.class)
public final class GatehouseAutoConfiguration {
  /** The admin servlet's registration, present when {@code gatehouse.admin.enabled=true}. */
  public static final String ADMIN_SERVLET_BEAN = "gatehouseAdminServlet";

  /** The filter's registration. */
  public static final String FILTER_BEAN = "gatehouseFilter";

  /**
   * Opens the store (creating or migrating its schema) and assembles the pipeline; the context
   * closes it (its settings reload, console sessions and connections) on shutdown.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ManagedGatehouse managedGatehouse(
      GatehouseProperties properties,
      ObjectProvider<AuthHook> hooks,
      ObjectProvider<AuthListener> listeners) {
    GatehouseProperties.Store store = properties.store();
    ManagedGatehouse.Builder builder =
        ManagedGatehouse.builder(store.jdbcUrl()).spaceResolver(properties.spaceResolver());
    String username = store.username();
    if (username != null && !username.isEmpty()) {
      String password = store.password();
      builder.credentials(username, password == null ? "" : password);
    }
    hooks.orderedStream().forEach(builder::hook);
    listeners.orderedStream().forEach(builder::listener);
    return builder.build();
  }

  @Bean(FILTER_BEAN)
  @ConditionalOnMissingBean(name = FILTER_BEAN)
  FilterRegistrationBean<HttpFilter> gatehouseFilter(
      ManagedGatehouse managed,
      GatehouseProperties properties,
      ObjectProvider<IdentityBridge> bridges) {
    GatehouseProperties.Filter settings = properties.filter();
    GatehouseFilter filter =
        GatehouseFilter.builder(managed.gatehouse())
            .includeDetail(settings.includeDetail())
            .build();
    FilterRegistrationBean<HttpFilter> registration =
        new FilterRegistrationBean<>(
            new GuardingFilter(
                filter, properties.admin().enabled(), bridges.orderedStream().toList()));
    registration.setName(FILTER_BEAN);
    registration.setOrder(settings.order());
    registration.setUrlPatterns(settings.urlPatterns());
    // Not ERROR: an error page is never decided again, and Spring Security finds the allowed
    // caller's context on the request (GuardingFilter).
    registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
    registration.setAsyncSupported(true);
    return registration;
  }

  /** The console and admin API; they authenticate their callers themselves. */
  @Bean(ADMIN_SERVLET_BEAN)
  @ConditionalOnProperty(prefix = "gatehouse.admin", name = "enabled", havingValue = "true")
  public ServletRegistrationBean<HttpServlet> gatehouseAdminServlet(ManagedGatehouse managed) {
    ServletRegistrationBean<HttpServlet> registration =
        new ServletRegistrationBean<>(managed.adminServlet(), ManagedGatehouse.ADMIN_PATH + "/*");
    registration.setName(ADMIN_SERVLET_BEAN);
    registration.setAsyncSupported(true);
    registration.setLoadOnStartup(1);
    return registration;
  }
}
