package io.gatehouse.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Access;
import io.gatehouse.core.Identity;
import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Configuration mistakes stop the app with a message naming the property and the bad value; the
 * authorities keep their namespaces apart.
 */
class AutoConfigurationTest {
  @TempDir Path dir;

  private WebApplicationContextRunner runner() {
    return new WebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                GatehouseAutoConfiguration.class,
                GatehouseSecurityAutoConfiguration.class,
                SecurityAutoConfiguration.class,
                ServletWebSecurityAutoConfiguration.class))
        .withPropertyValues("gatehouse.store.url=" + TokenStores.h2Url(dir));
  }

  private void failsWith(String message, String... properties) {
    runner()
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure()).hasStackTraceContaining(message);
            });
  }

  @Test
  void aBadSpaceNameIsNamed() {
    failsWith("gatehouse.space: invalid space name 'no space'", "gatehouse.space=no space");
  }

  @Test
  void spaceAndSpaceFromExcludeEachOther() {
    failsWith(
        "gatehouse.space ('prod') and gatehouse.space-from ('host') exclude each other",
        "gatehouse.space=prod",
        "gatehouse.space-from=host");
  }

  @Test
  void anUnknownSpaceFromIsNamed() {
    runner()
        .withPropertyValues("gatehouse.space-from=cookie")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure()).hasStackTraceContaining("cookie");
            });
  }

  @Test
  void anUnsupportedStoreUrlIsNamedWithoutItsPassword() {
    runner()
        .withPropertyValues("gatehouse.store.url=jdbc:mysql://db/app?password=hunter2")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("gatehouse.store.url must be jdbc:postgresql")
                  .hasMessageContaining("jdbc:mysql://db/app")
                  .message()
                  .doesNotContain("hunter2");
            });
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void theStartupReportOfAnUnsupportedStoreUrlNeverShowsAPassword(CapturedOutput output) {
    SpringApplication app = new SpringApplication(TestApp.class);
    assertThatThrownBy(
            () ->
                app.run(
                    "--gatehouse.store.url=jdbc:mysql://db/app?password=hunter2",
                    "--gatehouse.store.username=app",
                    "--gatehouse.store.password=pw-secret-2207",
                    "--server.port=0",
                    "--spring.main.banner-mode=off"))
        .rootCause()
        .hasMessageContaining("gatehouse.store.url must be jdbc:postgresql")
        .hasMessageContaining("jdbc:mysql://db/app");
    assertThat(output.toString())
        .contains("gatehouse.store.url must be")
        .doesNotContain("hunter2", "pw-secret-2207");
  }

  @Test
  void theSanitizerHidesTheStorePasswordAndTheUrlsPassword() {
    assertThat(sanitized("gatehouse.store.password", "pw"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(sanitized("GATEHOUSE_STORE_PASSWORD", "pw"))
        .isEqualTo(SanitizableData.SANITIZED_VALUE);
    assertThat(sanitized("gatehouse.store.url", "jdbc:postgresql://db/app?password=pw&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?password=***&ssl=true");
    assertThat(sanitized("gatehouse.store.username", "app")).isEqualTo("app");
  }

  private static @Nullable Object sanitized(String key, String value) {
    return GatehouseActuatorAutoConfiguration.sanitize(new SanitizableData(null, key, value))
        .getValue();
  }

  @Test
  void aUrlPatternThatIsNotOneIsNamed() {
    failsWith("'api/*' is not a servlet URL pattern", "gatehouse.filter.url-patterns=api/*");
  }

  @Test
  void gatehouseMustRunBeforeSpringSecurity() {
    failsWith(
        "gatehouse.filter.order (-100) must be lower than spring.security.filter.order (-100)",
        "gatehouse.filter.order=-100");
  }

  @Test
  void theDefaultsOpenTheStoreAndRegisterTheFilterButNotTheConsole() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(ManagedGatehouse.class);
              assertThat(context).hasBean(GatehouseAutoConfiguration.FILTER_BEAN);
              assertThat(context).doesNotHaveBean(GatehouseAutoConfiguration.ADMIN_SERVLET_BEAN);
              GatehouseProperties properties = context.getBean(GatehouseProperties.class);
              assertThat(properties.filter().order())
                  .isEqualTo(GatehouseProperties.Filter.DEFAULT_ORDER);
              assertThat(properties.filter().urlPatterns()).containsExactly("/*");
              // No generated password: the default chain's user store has no users.
              assertThat(context).hasSingleBean(UserDetailsService.class);
              assertThat(context.getBean(InMemoryUserDetailsManager.class).userExists("user"))
                  .isFalse();
            });
  }

  @Test
  void withTheConsoleItsOwnChainJoinsTheDefaultOneRatherThanReplacingIt() {
    runner()
        .withPropertyValues("gatehouse.admin.enabled=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasBean("gatehouseAdminSecurityFilterChain");
              assertThat(context).hasBean("gatehouseSecurityFilterChain");
            });
  }

  @Test
  void notInAServletWebAppNothingIsConfigured() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(GatehouseAutoConfiguration.class))
        .withPropertyValues("gatehouse.store.url=" + TokenStores.h2Url(dir))
        .run(context -> assertThat(context).doesNotHaveBean(ManagedGatehouse.class));
  }

  @Test
  void theStoreNeverShowsItsPassword() {
    GatehouseProperties.Store store =
        new GatehouseProperties.Store("jdbc:postgresql://db/app", "app", "s3cret-pw");
    assertThat(store.toString()).contains("app", "(hidden)").doesNotContain("s3cret-pw");
    assertThat(new GatehouseProperties.Store(null, null, null).jdbcUrl())
        .isEqualTo(TokenStores.h2Url(Path.of(GatehouseProperties.DEFAULT_STORE_DIRECTORY)));
  }

  @Test
  void onlyValidPermissionNamesBecomeAuthoritiesSoNoneCanPoseAsASpringOne() {
    Identity hooked =
        Identity.builder("svc", "hook", "dev")
            .access(Access.READ)
            .permissions(
                Set.of(
                    "deploy",
                    "GATEHOUSE_ADMIN",
                    "SCOPE_admin",
                    "ROLE_ADMIN",
                    "FACTOR_OTT",
                    "FACTOR_PASSWORD",
                    "Deploy"))
            .build();
    assertThat(GatehouseAuthorities.of(hooked))
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly(GatehouseAuthorities.READ, "deploy");
  }

  @Test
  void theAuthenticationHoldsTheIdentityAndNoCredential() {
    Identity identity = Identity.builder("svc", "apikey", "dev").build();
    GatehouseAuthentication authentication = new GatehouseAuthentication(identity);
    assertThat(authentication.isAuthenticated()).isTrue();
    assertThat(authentication.getPrincipal()).isSameAs(identity);
    assertThat(authentication.getCredentials()).isEmpty();
    assertThat(authentication.getName()).isEqualTo("svc");
    assertThat(authentication).isEqualTo(new GatehouseAuthentication(identity));
    assertThatThrownBy(() -> new GatehouseAuthentication(null))
        .isInstanceOf(NullPointerException.class);
  }
}
