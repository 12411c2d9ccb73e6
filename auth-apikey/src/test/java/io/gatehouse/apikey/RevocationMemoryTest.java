package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RevocationMemoryTest {
  private final MutableClock clock = new MutableClock();

  @Test
  void keepsEachRevocationForItsTimeAndForgetsTheOldestBeyondTheBound() {
    RevocationMemory memory = new RevocationMemory(clock, 3, Duration.ofHours(24));
    memory.remember("aaaaaaaaaa");
    clock.advance(Duration.ofHours(1));
    memory.remember("bbbbbbbbbb");
    memory.remember("cccccccccc");
    assertThat(memory.isRevoked("aaaaaaaaaa")).isTrue();
    assertThat(memory.isRevoked("zzzzzzzzzz")).isFalse();

    memory.remember("dddddddddd"); // a fourth: the oldest goes

    assertThat(memory.size()).isEqualTo(3);
    assertThat(memory.isRevoked("aaaaaaaaaa")).isFalse();
    assertThat(memory.isRevoked("dddddddddd")).isTrue();

    clock.advance(Duration.ofHours(23).plusMinutes(59));
    assertThat(memory.isRevoked("bbbbbbbbbb")).as("kept at least 24 h").isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(memory.isRevoked("bbbbbbbbbb")).isFalse();
    memory.remember("eeeeeeeeee"); // learning prunes what has expired
    assertThat(memory.size()).isEqualTo(1);
  }
}
