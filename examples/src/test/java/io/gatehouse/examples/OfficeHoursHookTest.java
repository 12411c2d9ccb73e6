package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Reason;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hook through the whole pipeline, at fixed instants. */
class OfficeHoursHookTest {

  private static Decision decide(String instant, String method, String token) {
    Clock clock = Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    AuthRequest request =
        AuthRequest.builder().method(method).path("/api/items").header("x-apikey", token).build();
    return Demo.gatehouse(clock).decide(request).toCompletableFuture().join();
  }

  @ParameterizedTest
  @CsvSource({
    // instant (UTC), method, allowed?   Paris is UTC+1 in winter, UTC+2 in summer.
    "2025-03-05T07:00:00Z, POST, true", // Wed 08:00 Paris: opens
    "2025-03-05T16:59:59Z, PUT, true", // Wed 17:59:59
    "2025-03-05T17:00:00Z, POST, false", // Wed 18:00: closed
    "2025-03-05T06:59:59Z, DELETE, false", // Wed 07:59:59
    "2025-03-08T10:00:00Z, POST, false", // Saturday
    "2025-07-02T06:30:00Z, POST, true", // Wed 08:30 Paris summer time
    "2025-03-08T10:00:00Z, GET, true" // reads are never limited
  })
  void writesOnlyWithinOfficeHours(String instant, String method, boolean allowed) {
    Decision decision = decide(instant, method, Demo.WRITE_TOKEN);

    assertThat(decision.allowed()).as(decision.explain()).isEqualTo(allowed);
    if (!allowed) {
      assertThat(decision.reason()).isEqualTo(Reason.HOOK_DENIED);
      assertThat(decision.status()).isEqualTo(403);
      assertThat(decision.detail()).contains("08:00").contains("Europe/Paris");
    }
  }

  @Test
  void aBadTokenIsRefusedBeforeTheHookRuns() {
    Decision decision = decide("2025-03-05T09:00:00Z", "POST", "not-a-demo-token-at-all");
    assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
  }

  @Test
  void hoursMustOpenBeforeTheyClose() {
    assertThatThrownBy(
            () -> new OfficeHoursHook(ZoneId.of("UTC"), LocalTime.of(18, 0), LocalTime.of(8, 0)))
        .hasMessageContaining("18:00-08:00");
  }

  @Test
  void tokenSentTwiceIsMalformedAndShortTokensAreRejectedAtSetup() {
    AuthRequest twice =
        AuthRequest.builder()
            .header("x-apikey", Demo.READ_TOKEN)
            .header("X-ApiKey", Demo.READ_TOKEN)
            .build();
    Decision decision =
        Demo.gatehouse(Clock.systemUTC()).decide(twice).toCompletableFuture().join();
    assertThat(decision.reason()).isEqualTo(Reason.MALFORMED);
    assertThatThrownBy(() -> new InMemoryTokens("x-apikey", "demo").add("short", null))
        .hasMessageContaining("16 characters");
  }
}
