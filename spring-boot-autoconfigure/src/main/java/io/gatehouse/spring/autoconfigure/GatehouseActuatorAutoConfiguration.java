package io.gatehouse.spring.autoconfigure;

import io.gatehouse.admin.AdminStore;
import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * With Actuator: {@code /actuator/configprops} and {@code /actuator/env} never show the store's
 * password, whatever {@code show-values} says (Boot 4 no longer masks by key name by default, and
 * every request Gatehouse allows counts as authorized), and show its URL with any password in it
 * hidden.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class GatehouseActuatorAutoConfiguration {
  static final String PASSWORD_KEY = "gatehouse.store.password";
  static final String URL_KEY = "gatehouse.store.url";

  @Bean
  SanitizingFunction gatehouseStoreSanitizer() {
    return GatehouseActuatorAutoConfiguration::sanitize;
  }

  static SanitizableData sanitize(SanitizableData data) {
    String key = canonical(data.getKey());
    if (PASSWORD_KEY.equals(key)) {
      return data.withSanitizedValue();
    }
    if (URL_KEY.equals(key) && data.getValue() instanceof String url) {
      return data.withValue(AdminStore.redact(url));
    }
    return data;
  }

  /** {@code GATEHOUSE_STORE_PASSWORD} and {@code gatehouse.store.password} as one key. */
  private static String canonical(String key) {
    return key.toLowerCase(Locale.ROOT).replace('_', '.').replace("-", "");
  }
}
