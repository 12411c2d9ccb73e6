package io.gatehouse.console;

import io.gatehouse.core.Refusal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The little JSON the console needs (sign-in bodies, JWKS documents, answers), with no library: RFC
 * 8259 values, depth-limited; numbers become {@link Double}s. Malformed input throws {@link
 * IllegalArgumentException} with a message safe to show.
 */
final class MiniJson {
  private static final int MAX_DEPTH = 32;
  private static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private final String text;
  private int pos;

  private MiniJson(String text) {
    this.text = text;
  }

  /** Parses a whole document. */
  static @Nullable Object parse(String text) {
    MiniJson parser = new MiniJson(text);
    Object value = parser.value(0);
    parser.skipSpace();
    if (parser.pos != text.length()) {
      throw parser.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** Parses a document that must be an object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) value;
  }

  private @Nullable Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("JSON nested too deeply");
    }
    skipSpace();
    if (pos >= text.length()) {
      throw error("unexpected end of JSON");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{' -> {
        return object(depth);
      }
      case '[' -> {
        return array(depth);
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        literal("true");
        return true;
      }
      case 'f' -> {
        literal("false");
        return false;
      }
      case 'n' -> {
        literal("null");
        return null;
      }
      default -> {
        return number();
      }
    }
  }

  private Map<String, Object> object(int depth) {
    pos++;
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(map);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a quoted member name");
      }
      String name = string();
      skipSpace();
      expect(':');
      map.put(name, value(depth + 1));
      skipSpace();
      char next = peek();
      pos++;
      if (next == '}') {
        return Collections.unmodifiableMap(map);
      }
      if (next != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<@Nullable Object> array(int depth) {
    pos++;
    List<@Nullable Object> list = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(list);
    }
    while (true) {
      list.add(value(depth + 1));
      skipSpace();
      char next = peek();
      pos++;
      if (next == ']') {
        return Collections.unmodifiableList(list);
      }
      if (next != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape");
      }
    }
  }

  private Double number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    if (start == pos) {
      throw error("unexpected character");
    }
    String literal = text.substring(start, pos);
    if (!NUMBER.matcher(literal).matches()) {
      throw error("bad number");
    }
    Double number = Double.valueOf(literal);
    if (number.isInfinite()) {
      throw error("number out of range");
    }
    return number;
  }

  private void literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end of JSON");
    }
    return text.charAt(pos);
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + message);
  }

  // ---- writing ----

  /** Writes maps, lists, strings, numbers, booleans and null. */
  static String write(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, @Nullable Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(out, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Double number) {
      // Parsed numbers are Doubles: written back as numbers (JSON has no NaN or infinity).
      out.append(number.isNaN() || number.isInfinite() ? "null" : number.toString());
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.append(separator);
        quote(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
        separator = ",";
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String separator = "";
      for (Object item : list) {
        out.append(separator);
        write(out, item);
        separator = ",";
      }
      out.append(']');
    } else {
      quote(out, value.toString());
    }
  }

  private static void quote(StringBuilder out, String s) {
    Refusal.appendString(out, s, true);
  }
}
