package io.gatehouse.jwks;

import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a token, read with jose4j's {@code JwtClaims} typing rules: a string claim must be
 * a string, a date a number that is not a big integer (its {@code longValue}), {@code aud} a string
 * or an array of strings; an absent claim and a JSON {@code null} are the same. The authenticator
 * reads the payload {@link ScannedClaims} indexed (or, when that cannot, the map {@link TokenJson}
 * built); tests read jose4j's own {@code JwtClaims} through the same interface to compare the two.
 */
interface Claims {

  /** A claim of the wrong type. Preallocated, no stack trace: tokens drive this path. */
  final class WrongType extends Exception {
    private static final long serialVersionUID = 1L;

    // Stackless and immutable: one instance serves every refusal, with nothing to allocate.
    @SuppressWarnings("StaticAssignmentOfThrowable")
    static final WrongType INSTANCE = new WrongType();

    private WrongType() {
      super("a claim has the wrong type", null, false, false);
    }
  }

  /** The claim's value, or null when absent. */
  @Nullable Object value(String name);

  /** The string claim, or null when absent. */
  @Nullable String string(String name) throws WrongType;

  /** The NumericDate claim in epoch seconds, or {@code absent} when absent (or null). */
  long date(String name, long absent) throws WrongType;

  /** The audience: empty when absent. */
  List<String> audience() throws WrongType;

  /** Whether any audience of the token is one of {@code accepted}. */
  default boolean audienceIn(java.util.Set<String> accepted) throws WrongType {
    List<String> audience = audience();
    for (int i = 0; i < audience.size(); i++) {
      if (accepted.contains(audience.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Every claim, in the token's order; the caller must not change it. */
  Map<String, Object> all();

  /** Every claim, for the identity: a map the identity may keep (it copies any other). */
  default Map<String, Object> forIdentity() {
    return all();
  }

  default boolean has(String name) {
    return value(name) != null;
  }

  /** Claims read from {@code map}, which the caller gives away. */
  static Claims of(Map<String, Object> map) {
    return new MapClaims(map);
  }

  /** The claims in a map, as {@link TokenJson} read them. */
  final class MapClaims implements Claims {
    private final Map<String, Object> map;

    MapClaims(Map<String, Object> map) {
      this.map = map;
    }

    @Override
    public @Nullable Object value(String name) {
      return map.get(name);
    }

    @Override
    public @Nullable String string(String name) throws WrongType {
      Object value = map.get(name);
      if (value == null || value instanceof String) {
        return (String) value;
      }
      throw WrongType.INSTANCE;
    }

    @Override
    public long date(String name, long absent) throws WrongType {
      Object value = map.get(name);
      if (value == null) {
        return absent;
      }
      if (value instanceof Long seconds) {
        return seconds;
      }
      if (value instanceof Number number && !(value instanceof BigInteger)) {
        return number.longValue();
      }
      throw WrongType.INSTANCE;
    }

    @Override
    public List<String> audience() throws WrongType {
      Object value = map.get("aud");
      if (value == null) {
        return List.of();
      }
      if (value instanceof String text) {
        return Collections.singletonList(text);
      }
      if (value instanceof List<?> list) {
        for (Object item : list) {
          // As jose4j: a null entry passes (it matches no audience); any other non-string fails.
          if (item != null && !(item instanceof String)) {
            throw WrongType.INSTANCE;
          }
        }
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) list;
        return strings;
      }
      throw WrongType.INSTANCE;
    }

    @Override
    public Map<String, Object> all() {
      return map;
    }
  }
}
