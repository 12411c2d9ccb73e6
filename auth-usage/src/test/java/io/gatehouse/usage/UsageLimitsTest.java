package io.gatehouse.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageLimitsTest {

  @Test
  void parsesOneOrSeveralRatesUsesAndARefill() {
    UsageLimits limits = UsageLimits.parse("10/1s, 1000/1h", "1000", "1000/30d");

    assertThat(limits.rates())
        .containsExactly(
            new RateLimit(10, Duration.ofSeconds(1)), new RateLimit(1000, Duration.ofHours(1)));
    assertThat(limits.uses()).isEqualTo(1000L);
    assertThat(limits.refill()).isEqualTo(new Refill(1000, Duration.ofDays(30)));
    assertThat(limits.ratesText()).isEqualTo("10/1s,1000/1h");
    assertThat(limits).hasToString("rate 10/1s,1000/1h, uses 1000, refill 1000/30d");
    assertThat(limits.rates().get(1).policy()).isEqualTo("1000-per-1h");
    assertThat(RateLimit.parse("100/60s").policy()).isEqualTo("100-per-1m");
    assertThat(RateLimit.parse("5/90s")).hasToString("5/90s");
    assertThat(UsageLimits.none().isNone()).isTrue();
    assertThat(UsageLimits.none()).hasToString("none");
    assertThat(UsageLimits.parse(null, "0", null).uses()).isZero();
  }

  @Test
  void withReplacesOnlyTheGivenParts() {
    UsageLimits limits = UsageLimits.parse("100/1m", "10", null);

    assertThat(limits.with(null, "500", "500/1d"))
        .isEqualTo(
            new UsageLimits(
                List.of(new RateLimit(100, Duration.ofMinutes(1))),
                500L,
                new Refill(500, Duration.ofDays(1))));
    assertThat(limits.with("1/1s", null, null).uses()).isEqualTo(10L);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "100/0s|the window of '100/0s' must be positive, not 0s",
        "1/1y|needs a unit s, m, h or d",
        "-1/1m|cannot be negative",
        "0/1m|at least 1 request per window, not 0",
        "99999999999999999999999/1m|too large (at most 1000000000)",
        "1000000001/1m|too large (at most 1000000000)",
        "100|a rate limit is COUNT/WINDOW",
        "100/|the window of '100/' is missing",
        "100/m|the window of '100/m' is missing",
        "1/367d|longer than the longest allowed, 366d",
        "1/9999999999999d|too large",
        "10/1m,20/1m|two rate limits with the same window 1m",
        "10/60s,20/1m|two rate limits with the same window 1m",
        "10/1m,|an empty rate limit",
        "1e3/1m|must be a whole number",
        "1/1s,2/2s,3/3s,4/4s,5/5s,6/6s,7/7s,8/8s,9/9s|at most 8 rate limits",
        "１/1m|must be a whole number",
      })
  void badRatesAreRefusedWithAPreciseMessage(String spec, String message) {
    assertThatThrownBy(() -> UsageLimits.parse(spec, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-1|uses cannot be negative",
        "ten|uses must be a whole number",
        "1000000000001|uses is too large",
        "99999999999999999999|uses is too large",
        "''|uses is missing",
      })
  void badUsesAreRefused(String uses, String message) {
    assertThatThrownBy(() -> UsageLimits.parse(null, uses, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1000/30s|a refill period is at least 1m",
        "0/30d|at least 1 use",
        "1000|a refill is USES/PERIOD",
        "1000/1w|needs a unit",
        "1000/0d|must be positive",
      })
  void badRefillsAreRefused(String refill, String message) {
    assertThatThrownBy(() -> UsageLimits.parse(null, "10", refill))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aRefillNeedsUsesAndHostileTextIsQuotedSafely() {
    assertThatThrownBy(() -> UsageLimits.parse(null, null, "10/1d"))
        .hasMessageContaining("a refill needs uses");
    assertThatThrownBy(() -> UsageLimits.parse("", null, null))
        .hasMessageContaining("no rate limit given");
    String hostile = "1/\u0000\u001b[31m" + "x".repeat(10_000);
    assertThatThrownBy(() -> UsageLimits.parse(hostile, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain("\u0000", "\u001b").hasSizeLessThan(300);
            });
  }

  @Test
  void theRecordsCheckTheirBoundsToo() {
    assertThatThrownBy(() -> new RateLimit(0, Duration.ofMinutes(1)))
        .hasMessageContaining("1 to 1000000000");
    assertThatThrownBy(() -> new RateLimit(1, Duration.ofMillis(1500)))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> new Refill(1, Duration.ofSeconds(59)))
        .hasMessageContaining("1m to 366d");
    assertThatThrownBy(() -> new UsageLimits(List.of(), -1L, null))
        .hasMessageContaining("uses is 0 to");
  }
}
