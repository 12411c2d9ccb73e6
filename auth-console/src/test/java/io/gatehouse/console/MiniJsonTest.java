package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

  @Test
  void roundTrips() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("s", "a\"b\\c\n\t</script>&\u2028");
    map.put("n", 42L);
    map.put("b", true);
    map.put("z", null);
    map.put("l", Arrays.asList("x", 1, false));
    map.put("m", Map.of("k", "v"));
    String text = MiniJson.write(map);
    assertThat(text).doesNotContain("<", ">", "&");
    Map<String, Object> back = MiniJson.parseObject(text);
    assertThat(back.get("s")).isEqualTo(map.get("s"));
    assertThat(back.get("n")).isEqualTo(42.0);
    assertThat(back.get("b")).isEqualTo(true);
    assertThat(back).containsKey("z");
    assertThat(back.get("z")).isNull();
    assertThat(back.get("l")).isEqualTo(List.of("x", 1.0, false));
    assertThat(back.get("m")).isEqualTo(Map.of("k", "v"));
    assertThat(MiniJson.parse(" [ ] ")).isEqualTo(List.of());
    assertThat(MiniJson.parse("{}")).isEqualTo(Map.of());
    assertThat(MiniJson.parse("\"\\u00e9\\/\\b\\f\\r\"")).isEqualTo("\u00e9/\b\f\r");
    assertThat(MiniJson.parse("-1.5e3")).isEqualTo(-1500.0);
    assertThat(MiniJson.write(java.time.Duration.ofSeconds(1))).isEqualTo("\"PT1S\"");
  }

  @Test
  void hostileInputIsRefusedWithAMessage() {
    for (String bad :
        List.of(
            "",
            "{",
            "[1,",
            "{\"a\" 1}",
            "{a:1}",
            "[1 2]",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\uzzzz\"",
            "tru",
            "nul",
            "1e",
            "01",
            "+1",
            ".5",
            "1.",
            "-",
            "1e400",
            "@",
            "{} x",
            "\"a\u0001\"",
            "\"\\",
            "[".repeat(100),
            "{\"a\":1,}")) {
      assertThatThrownBy(() -> MiniJson.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid JSON");
    }
    assertThatThrownBy(() -> MiniJson.parseObject("[]")).hasMessage("expected a JSON object");
  }
}
