package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the console's JSON reader, which reads sign-in bodies and JWKS documents from
 * anyone. Seeds in {@code MiniJsonFuzzTestInputs}; fuzz with {@code JAZZER_FUZZ=1 mvn -pl
 * auth-console test -Dtest=MiniJsonFuzzTest}.
 */
class MiniJsonFuzzTest {

  /**
   * Any text either fails with {@link IllegalArgumentException} (a 400, never a 500) or parses to a
   * value that, written and parsed again, is the same value; and what is written never holds a raw
   * {@code <}, {@code >} or {@code &}, so no answer can be read as markup.
   */
  @FuzzTest(maxDuration = "2m")
  void whatParsesWritesBackToTheSameValue(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Object value;
    try {
      value = MiniJson.parse(text);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }

    String written = MiniJson.write(value);

    assertThat(written).doesNotContain("<", ">", "&");
    assertThat(MiniJson.parse(written)).isEqualTo(value);
  }
}
