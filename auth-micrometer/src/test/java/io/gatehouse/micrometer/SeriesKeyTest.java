package io.gatehouse.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class SeriesKeyTest {
  @Test
  void aKeyPairsItsMetersTagNamesWithItsValuesAndEqualValuesAreOneSeries() {
    Series.Key key = Series.Meter.CACHE.key("apikey", "hit");
    assertThat(key.tags()).isEqualTo(Tags.of("cache", "apikey", "result", "hit"));
    assertThat(key).isEqualTo(Series.Meter.CACHE.key("apikey", "hit"));
    assertThat(key).isNotEqualTo(Series.Meter.CACHE.key("jwt", "hit"));
    assertThat(Series.Meter.EVENTS.key("x")).isNotEqualTo(Series.Meter.STORE_READS.key("x"));
  }

  @Test
  void aKeyWithTheWrongNumberOfValuesIsRefused() {
    assertThatThrownBy(() -> Series.Meter.CACHE.key("apikey"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gatehouse.cache takes 2 tags, not 1");
  }
}
