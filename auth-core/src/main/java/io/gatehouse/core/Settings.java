package io.gatehouse.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An immutable snapshot of per-space configuration (IP rules, trusted proxies, issuers...). A
 * decision reads one snapshot from start to end; changes make a new snapshot that a {@link
 * SettingsHolder} swaps in atomically.
 */
public final class Settings {
  private static final Pattern SPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Settings EMPTY = new Settings(Map.of(), 0);

  private final Map<String, Map<SettingKey<?>, Object>> bySpace;
  private final long version;

  private Settings(Map<String, Map<SettingKey<?>, Object>> bySpace, long version) {
    this.bySpace = bySpace;
    this.version = version;
  }

  /** The snapshot with nothing set: every key has its default in every space. */
  public static Settings empty() {
    return EMPTY;
  }

  /** Returns {@code space} when it is a valid space name, else throws naming it. */
  public static String requireValidSpace(String space) {
    if (!SPACE_NAME.matcher(space).matches()) {
      throw new IllegalArgumentException(
          "invalid space name '"
              + Redact.safe(space)
              + "': use letters, digits and . _ - (max 64), starting with a letter or digit");
    }
    return space;
  }

  /** True when {@code space} is a valid space name. */
  public static boolean isValidSpace(String space) {
    return SPACE_NAME.matcher(space).matches();
  }

  /** The value of {@code key} in {@code space}, or the key's default. */
  public <T> T get(String space, SettingKey<T> key) {
    Map<SettingKey<?>, Object> values = bySpace.get(space);
    Object value = values == null ? null : values.get(key);
    @SuppressWarnings("unchecked") // with() only stores values of the key's type
    T typed = value == null ? key.defaultValue() : (T) value;
    return typed;
  }

  /** A new snapshot with {@code key} set to {@code value} in {@code space}. */
  public <T> Settings with(String space, SettingKey<T> key, T value) {
    requireValidSpace(space);
    Objects.requireNonNull(value, "value");
    Map<String, Map<SettingKey<?>, Object>> copy = new HashMap<>(bySpace);
    Map<SettingKey<?>, Object> values = new HashMap<>(copy.getOrDefault(space, Map.of()));
    values.put(key, value);
    copy.put(space, Collections.unmodifiableMap(values));
    return new Settings(Collections.unmodifiableMap(copy), version + 1);
  }

  /** A new snapshot where {@code key} has its default in {@code space}. */
  public Settings without(String space, SettingKey<?> key) {
    Map<SettingKey<?>, Object> current = bySpace.get(space);
    if (current == null || !current.containsKey(key)) {
      return this;
    }
    Map<String, Map<SettingKey<?>, Object>> copy = new HashMap<>(bySpace);
    Map<SettingKey<?>, Object> values = new HashMap<>(current);
    values.remove(key);
    copy.put(space, Collections.unmodifiableMap(values));
    return new Settings(Collections.unmodifiableMap(copy), version + 1);
  }

  /** The spaces that have at least one setting. */
  public Set<String> spaces() {
    return Collections.unmodifiableSet(new TreeSet<>(bySpace.keySet()));
  }

  /** Increases with every change; two snapshots of one holder compare by it. */
  public long version() {
    return version;
  }

  @Override
  public String toString() {
    return "Settings[version=" + version + ", spaces=" + spaces() + "]";
  }
}
