package io.gatehouse.core;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An immutable claims map read on first use: an authenticator that has checked what its policy
 * needs hands the rest over unread, and an application that never looks at the claims never pays
 * for them. The first access copies what the source gives into an unmodifiable insertion-ordered
 * map (so a source that hands out a map it keeps cannot change the identity afterwards), published
 * safely to every thread; the source is then dropped.
 */
final class LazyClaims extends AbstractMap<String, Object> {
  private @Nullable Supplier<? extends Map<String, ?>> source;
  private volatile @Nullable Map<String, Object> claims;

  LazyClaims(Supplier<? extends Map<String, ?>> source) {
    this.source = source;
  }

  private LazyClaims(Map<String, Object> read) {
    this.claims = read;
  }

  /** An unmodifiable copy of {@code claims}, read now. */
  static LazyClaims copyOf(Map<String, ?> claims) {
    return new LazyClaims(Collections.unmodifiableMap(new LinkedHashMap<String, Object>(claims)));
  }

  private Map<String, Object> claims() {
    Map<String, Object> read = claims;
    if (read != null) {
      return read;
    }
    synchronized (this) {
      read = claims;
      if (read == null) {
        Supplier<? extends Map<String, ?>> from = java.util.Objects.requireNonNull(source);
        read = Collections.unmodifiableMap(new LinkedHashMap<String, Object>(from.get()));
        claims = read;
        source = null;
      }
      return read;
    }
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return claims().entrySet();
  }

  @Override
  public int size() {
    return claims().size();
  }

  @Override
  public boolean containsKey(Object key) {
    return claims().containsKey(key);
  }

  @Override
  public @Nullable Object get(Object key) {
    return claims().get(key);
  }
}
