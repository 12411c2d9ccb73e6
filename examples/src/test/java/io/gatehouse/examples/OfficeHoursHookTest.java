package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.testkit.TokenAuthenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hook through the whole pipeline, at fixed instants (the pipeline's clock), with a test token
 * table standing in for the store's tokens.
 */
class OfficeHoursHookTest {
  private static final String WRITE_TOKEN = "test-write-token-0123456789";

  private static Decision decide(String instant, String method, String token) {
    Identity writer =
        Identity.builder("writer", "tokens", SpaceResolver.DEFAULT_SPACE)
            .access(Access.READ_WRITE)
            .build();
    Gatehouse gatehouse =
        Gatehouse.builder()
            .clock(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC))
            .authenticator(
                TokenAuthenticator.header(
                    "x-apikey", Map.of(WRITE_TOKEN, AuthOutcome.success(writer)), Duration.ZERO))
            .hook(
                new OfficeHoursHook(
                    ZoneId.of("Europe/Paris"), LocalTime.of(8, 0), LocalTime.of(18, 0)))
            .build();
    AuthRequest request =
        AuthRequest.builder().method(method).path("/api/items").header("x-apikey", token).build();
    return gatehouse.decide(request).toCompletableFuture().join();
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
    Decision decision = decide(instant, method, WRITE_TOKEN);

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
}
