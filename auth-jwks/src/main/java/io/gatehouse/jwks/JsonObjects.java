package io.gatehouse.jwks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.internal.json_simple.parser.ContainerFactory;
import org.jose4j.json.internal.json_simple.parser.JSONParser;
import org.jspecify.annotations.Nullable;

/**
 * Parses a token's header and claims with the same parser as jose4j's {@code JsonUtil.parseJson},
 * and the same rules (a JSON object at the root, duplicate member names refused), but with one
 * parser per thread reused for every token. A fresh jose4j parser allocates a 16k-character lexer
 * buffer, twice per token (header and claims): that allocation, about 70 KB per token, was most of
 * a cold HS256 verify's cost.
 */
final class JsonObjects {
  private static final ThreadLocal<JSONParser> PARSERS = ThreadLocal.withInitial(JSONParser::new);

  /** The container factory of jose4j's {@code JsonUtil}: insertion order, no duplicate names. */
  private static final ContainerFactory CONTAINERS =
      new ContainerFactory() {
        @Override
        public Map<String, Object> createObjectContainer() {
          return new UniqueNameMap();
        }

        @Override
        public List<Object> creatArrayContainer() {
          return new ArrayList<>();
        }
      };

  private JsonObjects() {}

  /** The JSON object {@code text}, or null when it is not one (or repeats a member name). */
  @SuppressWarnings("unchecked")
  static @Nullable Map<String, Object> parse(String text) {
    Object parsed;
    try {
      // parse(String, ...) resets the parser and its lexer first, whatever the last input did.
      parsed = PARSERS.get().parse(text, CONTAINERS);
    } catch (org.jose4j.json.internal.json_simple.parser.ParseException | RuntimeException e) {
      return null;
    }
    return parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
  }

  /** jose4j's {@code DupeKeyDisallowingLinkedHashMap}: a repeated name is a parse failure. */
  private static final class UniqueNameMap extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public @Nullable Object put(String name, Object value) {
      if (containsKey(name)) {
        throw new IllegalArgumentException("a member name appears twice");
      }
      return super.put(name, value);
    }
  }
}
