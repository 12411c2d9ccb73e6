package io.gatehouse.core;

import java.util.Objects;

/**
 * A typed key into {@link Settings}: a module defines one constant per setting it reads, e.g.
 * {@code SettingKey.of("ipfilter.rules", IpRules.NONE)}. Keys compare by identity.
 *
 * @param <T> the value type
 */
public final class SettingKey<T> {
  private final String name;
  private final T defaultValue;

  private SettingKey(String name, T defaultValue) {
    this.name = Objects.requireNonNull(name, "name");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
  }

  /** A key whose value is {@code defaultValue} in every space that did not set it. */
  public static <T> SettingKey<T> of(String name, T defaultValue) {
    return new SettingKey<>(name, defaultValue);
  }

  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  @Override
  public String toString() {
    return name;
  }
}
