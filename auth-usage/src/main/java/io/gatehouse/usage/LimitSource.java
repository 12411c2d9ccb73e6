package io.gatehouse.usage;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link UsageLimiter} finds a token's limits: read on every request, so it answers from
 * memory (a cache the store refreshes), never from the store itself.
 */
@FunctionalInterface
public interface LimitSource {

  /**
   * The limits that apply to token {@code tokenId} in {@code space}: its own, else the space's
   * default; null when neither has any.
   */
  @Nullable Active limitsFor(String space, String tokenId);

  /**
   * Limits in force.
   *
   * @param limits the limits
   * @param setAt when they were set (epoch milliseconds): credits are granted anew, and buckets
   *     start full, whenever this changes
   */
  record Active(UsageLimits limits, long setAt) {
    public Active {
      Objects.requireNonNull(limits, "limits");
    }
  }
}
