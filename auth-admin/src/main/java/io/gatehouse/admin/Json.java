package io.gatehouse.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;

/** JSON through jose4j's small parser, with typed, validating getters. */
public final class Json {
  private Json() {}

  public static String write(Map<String, ?> value) {
    return JsonUtil.toJson(value);
  }

  /** Parses a JSON object; throws {@link IllegalArgumentException} when it is not one. */
  public static Map<String, Object> parse(String text) {
    try {
      Map<String, Object> map = JsonUtil.parseJson(text.isBlank() ? "{}" : text);
      if (map == null) {
        throw new IllegalArgumentException("expected a JSON object");
      }
      return map;
    } catch (JoseException | ClassCastException e) {
      throw new IllegalArgumentException("expected a JSON object: " + e.getMessage(), e);
    }
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
