package io.gatehouse.admin;

import io.gatehouse.console.StrictJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The admin API's and the settings rows' JSON: {@link StrictJson} (jose4j behind a strict RFC 8259
 * check, the one JSON library of Gatehouse), with typed, validating getters.
 */
public final class Json {
  private Json() {}

  public static String write(Map<String, ?> value) {
    return StrictJson.write(value);
  }

  /**
   * Parses a JSON object (an empty body reads as {@code {}}); throws {@link
   * IllegalArgumentException} when it is not one, with a message that never quotes the input.
   */
  public static Map<String, Object> parse(String text) {
    return StrictJson.parseObject(text.isBlank() ? "{}" : text);
  }

  public static String string(Map<String, ?> map, String key) {
    String value = optString(map, key);
    if (value == null) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    return value;
  }

  public static @Nullable String optString(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("'" + key + "' must be a string");
    }
    return text;
  }

  public static boolean bool(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw new IllegalArgumentException("'" + key + "' must be true or false");
    }
    return flag;
  }

  public static long number(Map<String, ?> map, String key, long fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number)) {
      throw new IllegalArgumentException("'" + key + "' must be a number");
    }
    return number.longValue();
  }

  public static List<String> strings(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException("'" + key + "' must be a list of strings");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String text)) {
        throw new IllegalArgumentException("'" + key + "' must be a list of strings");
      }
      out.add(text);
    }
    return out;
  }

  @SuppressWarnings("unchecked") // jose4j parses objects as Map<String, Object>
  public static Map<String, Object> object(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (!(value instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("'" + key + "' must be a JSON object");
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked") // jose4j parses objects as Map<String, Object>
  public static List<Map<String, Object>> objects(Map<String, ?> map, String key) {
    Object value = map.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException("'" + key + "' must be a list of objects");
    }
    List<Map<String, Object>> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("'" + key + "' must be a list of objects");
      }
      out.add((Map<String, Object>) item);
    }
    return out;
  }
}
