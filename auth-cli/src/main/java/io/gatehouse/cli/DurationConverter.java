package io.gatehouse.cli;

import io.gatehouse.admin.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Picocli's side of {@link Durations}: {@code --expires 30d}, {@code --grace 24h}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
