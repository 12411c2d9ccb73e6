package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz target for the console's JSON reader (jose4j behind {@link StrictJson}'s strict check),
 * which reads sign-in bodies and JWKS documents from anyone. Seeds in {@code
 * StrictJsonFuzzTestInputs}; fuzz with {@code JAZZER_FUZZ=1 mvn -pl auth-console test
 * -Dtest=StrictJsonFuzzTest}.
 */
class StrictJsonFuzzTest {

  private static final Pattern REFUSAL =
      Pattern.compile(
          "invalid JSON at offset \\d+: [a-zA-Z0-9 ',:{}\\[\\]\\\\]+"
              + "|invalid JSON: a member name appears twice|expected a JSON object"
              + "|JSON longer than \\d+ characters");

  /**
   * The reader accepts exactly the texts an independent reading of RFC 8259 accepts as an object at
   * most {@value StrictJson#MAX_DEPTH} levels deep with finite numbers (except a repeated member
   * name, which is refused); any other text fails with {@link IllegalArgumentException} (a 400,
   * never a 500) whose message quotes none of the input. What it accepts, written and read again,
   * is the same value, and what is written never holds a raw {@code <}, {@code >} or {@code &}, so
   * no answer can be read as markup.
   */
  @FuzzTest(maxDuration = "2m")
  void acceptsExactlyStrictObjectsAndWritesThemBack(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    boolean valid = Rfc8259.acceptsObject(text);
    Map<String, Object> value;
    try {
      value = StrictJson.parseObject(text);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).matches(REFUSAL);
      // The reference does not look for repeated names; the strict check passed them on.
      boolean repeatedName = refused.getMessage().contains("appears twice");
      assertThat(valid).as("refused: %s", refused.getMessage()).isEqualTo(repeatedName);
      return;
    }
    assertThat(valid).as("accepted").isTrue();

    String written = StrictJson.write(value);

    assertThat(written).doesNotContain("<", ">", "&");
    assertThat(StrictJson.parseObject(written)).isEqualTo(value);
  }

  /**
   * The reference: tokens by regular expressions, then nesting by rewriting every innermost array
   * or object (one holding only scalars) to a scalar, one level per round, until one is left.
   */
  static final class Rfc8259 {
    private static final Pattern TOKEN =
        Pattern.compile(
            "(?<space>[ \\t\\r\\n]+)"
                + "|(?<string>\"(?:[^\"\\\\\\x00-\\x1f]++|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*+\")"
                + "|(?<number>-?(?:0|[1-9][0-9]*+)(?:\\.[0-9]++)?+(?:[eE][+-]?[0-9]++)?+)"
                + "|(?<literal>true|false|null)"
                + "|(?<punctuation>[{}\\[\\]:,])");
    private static final Pattern INNERMOST =
        Pattern.compile("\\[(?:[sv](?:,[sv])*)?]|\\{(?:s:[sv](?:,s:[sv])*)?}");

    private Rfc8259() {}

    static boolean acceptsObject(String text) {
      String shape = shape(text);
      if (shape == null || !shape.startsWith("{")) {
        return false;
      }
      for (int level = 1; level <= StrictJson.MAX_DEPTH; level++) {
        shape = INNERMOST.matcher(shape).replaceAll("v");
        if (shape.equals("v")) {
          return true;
        }
      }
      return false;
    }

    /** The tokens as letters: s for a string, v for another scalar, punctuation as itself. */
    private static @Nullable String shape(String text) {
      StringBuilder shape = new StringBuilder();
      Matcher token = TOKEN.matcher(text);
      int at = 0;
      while (at < text.length()) {
        if (!token.region(at, text.length()).lookingAt()) {
          return null;
        }
        at = token.end();
        if (token.group("string") != null) {
          shape.append('s');
        } else if (token.group("number") != null) {
          if (Double.isInfinite(Double.parseDouble(token.group("number")))) {
            return null;
          }
          shape.append('v');
        } else if (token.group("literal") != null) {
          shape.append('v');
        } else if (token.group("punctuation") != null) {
          shape.append(token.group("punctuation"));
        }
      }
      return shape.toString();
    }
  }
}
