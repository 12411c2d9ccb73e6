package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Whatever text reaches a header, a problem document or a log line, it cannot break out. */
class RenderingProperties {

  @Property(tries = 2000)
  void challengesStayOnOneAsciiHeaderLine(@ForAll String value) {
    String rendered = Challenge.bearer("api").withError(Reason.EXPIRED, value).render();

    assertThat(rendered.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  @Property(tries = 2000)
  void problemDocumentsEscapeEveryControlCharacter(@ForAll String detail) {
    Decision decision =
        new Decision(
            false, 401, null, Reason.MALFORMED, detail, List.of(), null, "dev", null, List.of());

    String json = Refusal.problemJson(decision, true);

    assertThat(json.chars()).noneMatch(c -> c < 0x20);
    assertThat(json).startsWith("{\"type\":").endsWith("}");
  }

  @Property(tries = 2000)
  void safeTextIsPrintableAndBounded(@ForAll String text) {
    String safe = Redact.safe(text);

    assertThat(safe.chars()).allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '…');
    assertThat(safe.length()).isLessThanOrEqualTo(Redact.MAX_SAFE_LENGTH + 20);
  }

  @Property(tries = 1000)
  void redactedSecretsNeverShowMoreThanAQuarter(@ForAll String secret) {
    String redacted = Redact.secret(secret);

    if (secret.length() >= 8) {
      assertThat(redacted).doesNotContain(secret);
    }
    assertThat(redacted).endsWith("(" + secret.length() + " chars)");
  }
}
