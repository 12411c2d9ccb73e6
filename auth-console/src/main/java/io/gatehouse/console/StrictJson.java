package io.gatehouse.console;

import java.util.Map;
import java.util.regex.Pattern;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Gatehouse's JSON (the console's sign-in bodies, JWKS documents and answers, and the admin API's
 * bodies in {@code auth-admin}), read and written by jose4j's {@link JsonUtil}, the one JSON
 * library of Gatehouse.
 *
 * <p>jose4j reads more than RFC 8259 allows: trailing and leading commas, a missing or doubled
 * colon, leading zeros, raw control characters and bad escapes in strings, {@code 1e400} as
 * Infinity, and any depth, though writing, comparing, hashing or printing what it read recurses
 * once per level (a deep enough document becomes a value that throws {@link StackOverflowError}).
 * So a document is first checked here, without building anything, against the strict grammar, at
 * most {@value #MAX_DEPTH} levels deep and {@value #MAX_LENGTH} characters long; only then does
 * jose4j build the values (and refuse duplicate member names). Objects are maps, arrays lists, and
 * numbers {@link Long}s, {@link java.math.BigInteger}s or {@link Double}s.
 *
 * <p>Everything that is refused throws {@link IllegalArgumentException} with a message that names
 * an offset and a rule, never a piece of the input (which may hold a token): the console answers it
 * as a 400.
 */
public final class StrictJson {
  /** The deepest nesting read. */
  public static final int MAX_DEPTH = 32;

  /** The longest document read, in characters. */
  public static final int MAX_LENGTH = JwksProbe.MAX_BYTES;

  private static final String HEX_DIGITS = "0123456789abcdefABCDEF";
  private static final Pattern NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private StrictJson() {}

  /** Reads a document that must be one JSON object. */
  @SuppressWarnings("UnusedException") // jose4j's message quotes the input: it stays out
  public static Map<String, Object> parseObject(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("JSON longer than " + MAX_LENGTH + " characters");
    }
    new StrictSyntax(text).check();
    try {
      return JsonUtil.parseJson(text);
    } catch (JoseException | RuntimeException e) {
      // The strict check passed, so the one thing left that jose4j refuses is a repeated name.
      throw new IllegalArgumentException("invalid JSON: a member name appears twice");
    }
  }

  /**
   * Writes an object; values may be maps, lists, strings, numbers, booleans and null (NaN and
   * infinities become null, anything else its quoted {@code toString()}). {@code <}, {@code >} and
   * {@code &} are escaped, so that no answer can be read as markup.
   */
  public static String write(Map<String, ?> object) {
    String json = JsonUtil.toJson(object);
    // Outside strings jose4j writes only punctuation, digits and true/false/null, so these three
    // characters occur only inside string literals, where a \\u escape means the same.
    StringBuilder out = new StringBuilder(json.length() + 16);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        case '&' -> out.append("\\u0026");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Checks RFC 8259 syntax in one pass, without recursion (an array of container kinds instead), so
   * that depth costs no Java stack.
   */
  private static final class StrictSyntax {
    private final String text;
    private final boolean[] isObject = new boolean[MAX_DEPTH];
    private int depth;
    private int pos;

    StrictSyntax(String text) {
      this.text = text;
    }

    void check() {
      skipSpace();
      boolean object = pos < text.length() && text.charAt(pos) == '{';
      value();
      while (depth > 0) {
        skipSpace();
        char c = take();
        boolean inObject = isObject[depth - 1];
        if (c == (inObject ? '}' : ']')) {
          depth--;
        } else if (c == ',') {
          if (inObject) {
            memberName();
          }
          value();
        } else {
          pos--;
          throw error(inObject ? "expected ',' or '}'" : "expected ',' or ']'");
        }
      }
      skipSpace();
      if (pos != text.length()) {
        throw error("unexpected text after the JSON value");
      }
      if (!object) {
        throw new IllegalArgumentException("expected a JSON object");
      }
    }

    /** Reads a scalar, or opens containers up to the first scalar or empty container inside. */
    private void value() {
      while (true) {
        skipSpace();
        char c = peek();
        if (c != '{' && c != '[') {
          scalar(c);
          return;
        }
        if (depth == MAX_DEPTH) {
          throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
        pos++;
        isObject[depth++] = c == '{';
        skipSpace();
        if (peek() == (c == '{' ? '}' : ']')) {
          pos++;
          depth--;
          return;
        }
        if (c == '{') {
          memberName();
        }
      }
    }

    private void memberName() {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a quoted member name");
      }
      string();
      skipSpace();
      if (peek() != ':') {
        throw error("expected ':'");
      }
      pos++;
    }

    private void scalar(char c) {
      switch (c) {
        case '"' -> string();
        case 't' -> literal("true");
        case 'f' -> literal("false");
        case 'n' -> literal("null");
        default -> number();
      }
    }

    private void string() {
      pos++; // the opening quote
      while (true) {
        char c = take();
        if (c == '"') {
          return;
        }
        if (c < 0x20) {
          pos--;
          throw error("control character in a string");
        }
        if (c == '\\') {
          escape();
        }
      }
    }

    private void escape() {
      char e = take();
      if ("\"\\/bfnrt".indexOf(e) >= 0) {
        return;
      }
      if (e != 'u') {
        throw error("bad escape");
      }
      for (int i = 0; i < 4; i++) {
        if (HEX_DIGITS.indexOf(take()) < 0) {
          throw error("bad \\u escape");
        }
      }
    }

    private void number() {
      int start = pos;
      while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      if (start == pos) {
        throw error("unexpected character");
      }
      String literal = text.substring(start, pos);
      if (!NUMBER.matcher(literal).matches()) {
        pos = start;
        throw error("bad number");
      }
      if (Double.isInfinite(Double.parseDouble(literal))) {
        pos = start;
        throw error("number out of range");
      }
    }

    private void literal(String word) {
      if (!text.startsWith(word, pos)) {
        throw error("unexpected character");
      }
      pos += word.length();
    }

    private char take() {
      char c = peek();
      pos++;
      return c;
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
  }
}
