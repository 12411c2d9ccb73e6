package io.gatehouse.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The health of a Gatehouse and of what its decisions depend on: the token store, the change feed
 * between instances, each JWKS source. One {@link Component} per dependency, and an aggregate:
 *
 * <ul>
 *   <li>{@link Status#DOWN} when a <em>required</em> component is DOWN (the instance cannot decide
 *       what it should: take it out of rotation);
 *   <li>{@link Status#DEGRADED} when any component is not UP (an optional one DOWN included);
 *   <li>{@link Status#UP} otherwise.
 * </ul>
 *
 * <p>Health is shown to unauthenticated callers (readiness probes), so a component's details are
 * terse and safe by construction: short names and values, never a URL (a value holding {@code ://}
 * is refused when built); components report an issuer's index rather than its URL, and an error's
 * class rather than its message.
 *
 * @param status the aggregate
 * @param components every component, in the order reported
 */
public record Health(Status status, List<Component> components) {

  /** The state of a component or of the whole. */
  public enum Status {
    /** Working as configured. */
    UP,
    /** Working, but not as well as configured: stale keys, a fallback path, a starting feed. */
    DEGRADED,
    /** Not working. */
    DOWN
  }

  public Health {
    Objects.requireNonNull(status, "status");
    components = List.copyOf(components);
  }

  /** The health whose status aggregates {@code components} by the rule above. */
  public static Health of(List<Component> components) {
    return new Health(aggregate(components), components);
  }

  private static Status aggregate(List<Component> components) {
    Status worst = Status.UP;
    for (Component component : components) {
      if (component.status() == Status.DOWN && component.required()) {
        return Status.DOWN;
      }
      if (component.status() != Status.UP) {
        worst = Status.DEGRADED;
      }
    }
    return worst;
  }

  /** True unless DOWN: the instance may take traffic (answers 200 on a readiness probe). */
  public boolean ready() {
    return status != Status.DOWN;
  }

  /** The component named {@code name}, or null. */
  public @Nullable Component component(String name) {
    for (Component component : components) {
      if (component.name().equals(name)) {
        return component;
      }
    }
    return null;
  }

  /**
   * One dependency's health.
   *
   * @param name e.g. {@code tokenStore}, {@code changeFeed}, {@code jwks-1}: a letter, then up to
   *     63 letters, digits, {@code .}, {@code _} or {@code -}
   * @param status its state
   * @param required whether its being DOWN makes the whole DOWN
   * @param details terse facts for an operator (key: a name as above; value: up to 64 printable
   *     ASCII characters, never a URL), in insertion order
   */
  public record Component(
      String name, Status status, boolean required, Map<String, String> details) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e]{0,64}");

    public Component {
      requireName(name, "component name");
      Objects.requireNonNull(status, "status");
      Map<String, String> copy = new LinkedHashMap<>();
      details.forEach(
          (key, value) -> {
            requireName(key, "detail name");
            copy.put(key, requireSafeValue(key, value));
          });
      details = Collections.unmodifiableMap(copy);
    }

    /** A component with no details. */
    public static Component of(String name, Status status, boolean required) {
      return new Component(name, status, required, Map.of());
    }

    private static void requireName(String name, String what) {
      Objects.requireNonNull(name, what);
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            what
                + " must be a letter then up to 63 of [A-Za-z0-9._-], was '"
                + Redact.safe(name)
                + "'");
      }
    }

    private static String requireSafeValue(String key, String value) {
      Objects.requireNonNull(value, key);
      if (!VALUE.matcher(value).matches() || value.contains("://")) {
        throw new IllegalArgumentException(
            "health detail '"
                + key
                + "' must be up to 64 printable ASCII characters and no URL, was "
                + value.length()
                + " characters");
      }
      return value;
    }
  }
}
