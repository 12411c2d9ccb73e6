package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {
  private final MutableClock clock = new MutableClock();
  private final SignInThrottle throttle = new SignInThrottle(clock, 3, Duration.ofSeconds(10), 100);

  @Test
  void anAddressMayFailBurstTimesThenWaitsForTheNextRefill() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.waitBefore("192.0.2.1")).as("attempt %d", i).isNull();
      throttle.failed("192.0.2.1");
    }
    assertThat(throttle.waitBefore("192.0.2.1")).isEqualTo(Duration.ofSeconds(10));
    assertThat(throttle.waitBefore("192.0.2.2")).as("another address").isNull();

    clock.advance(Duration.ofSeconds(4));
    assertThat(throttle.waitBefore("192.0.2.1")).isEqualTo(Duration.ofSeconds(6));
    clock.advance(Duration.ofSeconds(6));
    assertThat(throttle.waitBefore("192.0.2.1")).isNull();
    throttle.failed("192.0.2.1");
    assertThat(throttle.waitBefore("192.0.2.1")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aLongPauseForgivesEverythingAndFailuresBeyondTheBurstDoNotPileUp() {
    for (int i = 0; i < 50; i++) {
      throttle.failed("192.0.2.1");
    }
    clock.advance(Duration.ofSeconds(10));
    assertThat(throttle.waitBefore("192.0.2.1")).as("one forgiven of a full bucket").isNull();

    clock.advance(Duration.ofMinutes(5));
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.waitBefore("192.0.2.1")).isNull();
      throttle.failed("192.0.2.1");
    }
    assertThat(throttle.waitBefore("192.0.2.1")).isNotNull();
  }

  @Test
  void memoryIsBoundedByForgettingTheLeastRecentAddress() {
    SignInThrottle small = new SignInThrottle(clock, 1, Duration.ofMinutes(1), 2);
    small.failed("192.0.2.1");
    small.failed("192.0.2.2");
    small.failed("192.0.2.3");

    assertThat(small.trackedAddresses()).isEqualTo(2);
    assertThat(small.waitBefore("192.0.2.1")).as("forgotten: a fresh bucket").isNull();
    assertThat(small.waitBefore("192.0.2.3")).isNotNull();
  }
}
