package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * Fuzz targets for what a refusal puts on the wire. Run as regression tests on the seeds in {@code
 * RefusalFuzzTestInputs}; fuzz with {@code JAZZER_FUZZ=1 mvn -pl auth-core test
 * -Dtest=RefusalFuzzTest}.
 */
class RefusalFuzzTest {
  private static final Reason[] REASONS = Reason.values();

  /** Any detail text: the problem document is JSON (read by an independent parser) that says it. */
  @FuzzTest(maxDuration = "2m")
  void problemDocumentsParseBackToWhatWasRefused(FuzzedDataProvider data) throws JoseException {
    Reason reason = data.pickValue(REASONS);
    String detail = data.consumeRemainingAsString();
    Decision decision =
        new Decision(
            false, reason.status(), null, reason, detail, List.of(), null, "dev", null, List.of());

    Map<String, Object> parsed = JsonUtil.parseJson(Refusal.problemJson(decision, true));

    assertThat(parsed.get("status")).isEqualTo((long) reason.status());
    assertThat(parsed.get("code")).isEqualTo(reason.code());
    assertThat(parsed.get("title")).isEqualTo(Refusal.title(reason.status()));
    assertThat(parsed.get("detail")).isEqualTo(detail.isEmpty() ? null : detail);
    assertThat(JsonUtil.parseJson(Refusal.problemJson(decision, false)))
        .doesNotContainKey("detail");
  }

  /**
   * Any description: the challenge is one printable-ASCII header line whose auth-params (RFC 9110
   * quoted strings) read back as sent, with anything outside printable ASCII as {@code ?}.
   */
  @FuzzTest(maxDuration = "2m")
  void challengesParseBackAsOneHeaderLine(FuzzedDataProvider data) {
    String realm = data.consumeString(40);
    String description = data.consumeRemainingAsString();

    String rendered = Challenge.bearer(realm).withError(Reason.EXPIRED, description).render();

    assertThat(rendered.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    Map<String, String> params = authParams(rendered.substring("Bearer ".length()));
    assertThat(params.get("realm")).isEqualTo(printable(realm));
    assertThat(params.get("error")).isEqualTo("invalid_token");
    assertThat(params.get("error_description")).isEqualTo(printable(description));
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return out.toString();
  }

  /** {@code name="quoted", name="quoted"}: a strict reader of what render() may produce. */
  private static Map<String, String> authParams(String text) {
    Map<String, String> params = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length()) {
      int equals = text.indexOf('=', i);
      assertThat(equals).as("name=value at %d in %s", i, text).isPositive();
      String name = text.substring(i, equals);
      assertThat(text.charAt(equals + 1)).isEqualTo('"');
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      for (; text.charAt(j) != '"'; j++) {
        if (text.charAt(j) == '\\') {
          j++;
        }
        value.append(text.charAt(j));
      }
      assertThat(params.put(name, value.toString())).as("%s twice", name).isNull();
      i = j + 1;
      if (i < text.length()) {
        assertThat(text.startsWith(", ", i)).as("separator at %d in %s", i, text).isTrue();
        i += 2;
      }
    }
    return params;
  }
}
