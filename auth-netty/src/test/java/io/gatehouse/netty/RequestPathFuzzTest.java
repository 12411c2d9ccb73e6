package io.gatehouse.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.core.RequestPath;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the path Netty's path rules see. Regression seeds live in {@code
 * RequestPathFuzzTestInputs}; fuzz with {@code JAZZER_FUZZ=1 mvn -pl auth-netty test
 * -Dtest=RequestPathFuzzTest}.
 */
class RequestPathFuzzTest {

  /**
   * Whatever the raw path: no exception; an accepted path starts with {@code /}, has no empty or
   * dot segment and no path parameter, and is a fixed point: percent-encoding it again and reading
   * it back gives itself (one decoding step, so a rule sees the same path however often it is
   * spelled out).
   */
  @FuzzTest(maxDuration = "2m")
  void aCanonicalPathIsStableAndFreeOfAmbiguity(byte[] input) {
    String raw = new String(input, StandardCharsets.ISO_8859_1);

    String canonical = RequestPath.canonical(raw);

    if (canonical == null || canonical.equals("*")) {
      return;
    }
    assertThat(canonical).startsWith("/").doesNotContain("//", "\\", ";");
    for (String segment : canonical.split("/", -1)) {
      assertThat(segment).as(canonical).isNotIn(".", "..");
    }
    assertThat(canonical.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
    assertThat(RequestPath.canonical(encode(canonical))).isEqualTo(canonical);
  }

  /** Percent-encodes every byte outside unreserved ASCII, except the {@code /} separators. */
  private static String encode(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '/' || (c > 0x20 && c < 0x7f && "%\\\"<>`{}|^".indexOf(c) < 0)) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
