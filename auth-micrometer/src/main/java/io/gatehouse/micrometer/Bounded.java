package io.gatehouse.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tag's admitted values: the first {@code max} distinct values seen keep their own value, every
 * later one becomes {@link #OTHER}. So a tag fed from configuration stays bounded even when the
 * configuration is large or hostile.
 */
final class Bounded {
  static final String OTHER = "other";

  private final int max;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();

  Bounded(int max) {
    this.max = max;
  }

  String admit(String value) {
    if (admitted.contains(value)) {
      return value;
    }
    synchronized (this) {
      if (admitted.size() < max) {
        admitted.add(value);
        return value;
      }
    }
    return admitted.contains(value) ? value : OTHER;
  }
}
