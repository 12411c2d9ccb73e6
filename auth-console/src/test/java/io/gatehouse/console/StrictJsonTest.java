package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

  @Test
  void roundTrips() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("s", "a\"b\\c\n\t</script>&\u2028\u0001/");
    map.put("n", 42L);
    map.put("d", -1.5);
    map.put("b", true);
    map.put("z", null);
    map.put("l", Arrays.asList("x", 1L, false, null));
    map.put("m", Map.of("k<", "v"));
    String text = StrictJson.write(map);
    assertThat(text).doesNotContain("<", ">", "&", "\u2028", "\u0001");
    assertThat(StrictJson.parseObject(text)).isEqualTo(map);
    assertThat(StrictJson.parseObject(" { } ")).isEqualTo(Map.of());
    assertThat(StrictJson.parseObject("{\"s\":\"\\u00e9\\u00C9\\/\\b\\f\\r\"}"))
        .containsEntry("s", "\u00e9\u00c9/\b\f\r");
    assertThat(StrictJson.parseObject("{\"a\":-1.5e3,\"b\":-0.0,\"c\":1e-400}"))
        .containsEntry("a", -1500.0)
        .containsEntry("b", -0.0)
        .containsEntry("c", 0.0);
  }

  @Test
  void writesWhatTheBrowserAppReadsAsBefore() {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", 400L);
    answer.put("error", "use POST");
    answer.put("bits", 2048L);
    answer.put("usable", false);
    answer.put("keys", List.of());
    answer.put("idle", Duration.ofSeconds(1));
    answer.put("nan", Double.NaN);
    assertThat(StrictJson.write(answer))
        .isEqualTo(
            "{\"status\":400,\"error\":\"use POST\",\"bits\":2048,\"usable\":false,"
                + "\"keys\":[],\"idle\":\"PT1S\",\"nan\":null}");
  }

  @Test
  void hostileInputIsRefusedWithAMessage() {
    for (String bad :
        List.of(
            "",
            " ",
            "{",
            "{\"a\":[1,",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":[1 2]}",
            "{\"a\":\"abc}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12\"}",
            "{\"a\":\"\\uzzzz\"}",
            "{\"a\":\"\\u+123\"}",
            "{\"a\":\"\\u\u0661\u0662\u0663\u0664\"}",
            "{\"a\":tru}",
            "{\"a\":nul}",
            "{\"a\":truex}",
            "{\"a\":1e}",
            "{\"a\":01}",
            "{\"a\":+1}",
            "{\"a\":.5}",
            "{\"a\":1.}",
            "{\"a\":-}",
            "{\"a\":1e400}",
            "{\"a\":-1e400}",
            "{\"a\":1" + "0".repeat(400) + "}",
            "{\"a\":NaN}",
            "{\"a\":@}",
            "{} x",
            "{}{}",
            "{}}",
            "{\"a\":\"x\u0001\"}",
            "{\"a\u001f\":1}",
            "{\"a\":\"\\",
            "{\"a\":" + "[".repeat(100),
            "{\"a\":1,}",
            "{\"a\":[1,]}",
            "{\"a\":[,1]}",
            "{,}",
            "{\"a\"::1}",
            "{\"a\":1\u000b}",
            "{\"a\":\u00a01}")) {
      assertThatThrownBy(() -> StrictJson.parseObject(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid JSON");
    }
    for (String notAnObject : List.of("[]", "\"s\"", "1", "null", "true", " [{}] ")) {
      assertThatThrownBy(() -> StrictJson.parseObject(notAnObject))
          .as(notAnObject)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected a JSON object");
    }
  }

  /** Why the strict check exists: jose4j alone reads each of these as if it were valid. */
  @Test
  void refusesWhatJose4jAloneWouldRead() throws Exception {
    for (String lax :
        List.of(
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{\"a\":[,1]}",
            "{\"a\"::1}",
            "{\"a\":01}",
            "{\"a\":1e400}",
            "{\"a\":\"x\u0001\"}",
            "{\"a\":\"\\x\"}")) {
      assertThat(JsonUtil.parseJson(lax)).as(lax).isNotNull();
      assertThatThrownBy(() -> StrictJson.parseObject(lax))
          .as(lax)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void hugeNumbersAreRefusedNotReadAsInfinity() {
    assertThatThrownBy(() -> StrictJson.parseObject("{\"a\":1e400}"))
        .hasMessage("invalid JSON at offset 5: number out of range");
    assertThat(StrictJson.parseObject("{\"a\":1" + "0".repeat(300) + "}").get("a"))
        .isEqualTo(BigInteger.TEN.pow(300));
    assertThat(StrictJson.parseObject("{\"a\":12345678901234567890}").get("a"))
        .isEqualTo(new BigInteger("12345678901234567890"));
  }

  /**
   * jose4j reads any depth, but writing, comparing, hashing or printing what it read recurses per
   * level: a deep document is refused before it becomes a value that throws StackOverflowError.
   */
  @Test
  void deepNestingIsRefusedBeforeItBecomesAValueThatOverflowsTheStack() throws Exception {
    int levels = StrictJson.MAX_LENGTH / 2 - 16;
    String deep = "{\"a\":" + "[".repeat(levels) + "]".repeat(levels) + "}";
    Map<String, Object> unbounded = JsonUtil.parseJson(deep);
    assertThatThrownBy(() -> JsonUtil.toJson(unbounded)).isInstanceOf(StackOverflowError.class);
    assertThatThrownBy(() -> StrictJson.parseObject(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid JSON at offset 36: JSON nested deeper than 32 levels");

    String deepest = "{\"a\":" + "[".repeat(31) + "1" + "]".repeat(31) + "}";
    assertThatCode(() -> StrictJson.parseObject(deepest)).doesNotThrowAnyException();
    String oneTooMany = "{\"a\":" + "{\"b\":".repeat(32) + "1" + "}".repeat(32) + "}";
    assertThatThrownBy(() -> StrictJson.parseObject(oneTooMany))
        .hasMessageContaining("nested deeper than 32 levels");
  }

  @Test
  void aDocumentLongerThanTheCapIsRefusedUnread() {
    String big = "{\"a\":\"" + "x".repeat(StrictJson.MAX_LENGTH) + "\"}";
    assertThatThrownBy(() -> StrictJson.parseObject(big))
        .hasMessage("JSON longer than " + StrictJson.MAX_LENGTH + " characters");
  }

  /** MiniJson kept the last of two equal names; a second reading of a member is now refused. */
  @Test
  void duplicateMemberNamesAreRefused() {
    assertThatThrownBy(() -> StrictJson.parseObject("{\"token\":\"a\",\"token\":\"b\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid JSON: a member name appears twice");
    assertThatThrownBy(() -> StrictJson.parseObject("{\"k\":{\"a\":1,\"a\":1}}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(StrictJson.parseObject("{\"a\":{\"a\":1},\"b\":{\"a\":2}}")).hasSize(2);
  }

  /** A refusal names an offset and a rule; it never quotes the input, which may hold a token. */
  @Test
  void refusalsNeverQuoteTheInput() {
    for (String bad :
        List.of(
            "{\"token\":\"gha_SECRET\" \"x\"}",
            "{\"token\" \"gha_SECRET\"}",
            "{\"gha_SECRET\":1,\"gha_SECRET\":2}",
            "{\"token\":\"gha_SECRET\"}gha_SECRET",
            "{\"token\":gha_SECRET}")) {
      assertThatThrownBy(() -> StrictJson.parseObject(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasNoCause()
          .message()
          .doesNotContain("SECRET");
    }
  }
}
