package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What path rules see by adapters holding a raw request-target, and which raw paths are refused
 * instead of guessed.
 */
class RequestPathTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/ | /",
        "/ops/deploy | /ops/deploy",
        "/ops/deploy/ | /ops/deploy/",
        "/ops/%64eploy | /ops/deploy",
        "/%6F%70%73/deploy | /ops/deploy",
        "/ops//deploy | /ops/deploy",
        "//ops///deploy// | /ops/deploy/",
        "/a%20b | /a b",
        "/caf%C3%A9 | /café",
        "/a;jsessionid=1/b | /a/b",
        "/ops/deploy;v=1 | /ops/deploy",
        "/;./b | /b",
        "/a/b; | /a/b",
        "/.well-known/jwks.json | /.well-known/jwks.json",
        "/a/...b/c | /a/...b/c",
        "/a+b | /a+b",
        "* | *",
      })
  void decodesAndMergesSlashes(String raw, String canonical) {
    assertThat(RequestPath.canonical(raw)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ops/deploy",
        "/a/../ops/deploy",
        "/ops/./deploy",
        "/ops/deploy/..",
        "/ops/deploy/.",
        "/a/%2e%2e/ops",
        "/a/%2E./ops",
        "/a/.%2e/ops",
        "/a/..;x=1/ops",
        "/a/.;/ops",
        "/ops%2Fdeploy",
        "/ops/deploy%3Bv=1",
        "/ops/deploy%3bv=1",
        "/ops%2fdeploy",
        "/ops%5Cdeploy",
        "/ops\\deploy",
        "/ops%00",
        "/ops%0D%0Ax",
        "/ops%7F",
        "/ops%",
        "/ops%2",
        "/ops%zz",
        "/ops%C3",
        "/ops%C0%AF",
        "/ops%FF",
        "/ops\u00e9",
        "/ops\tx",
      })
  void ambiguousPathsAreRefused(String raw) {
    assertThat(RequestPath.canonical(raw)).as(raw).isNull();
  }

  @Property(tries = 2000)
  void anAcceptedPathIsCanonicalAndStable(
      @ForAll @StringLength(max = 40) @CharRange(from = ' ', to = '~') String tail) {
    String canonical = RequestPath.canonical("/" + tail);
    if (canonical == null) {
      return;
    }
    assertThat(canonical).startsWith("/").doesNotContain("//");
    assertThat(canonical).doesNotContain(";");
    for (String segment : canonical.split("/", -1)) {
      assertThat(segment).as(canonical).isNotIn(".", "..");
    }
    // Canonical text re-encoded is accepted again and maps to itself (no second decoding step).
    String reencoded = canonical.replace("%", "%25").replace(" ", "%20");
    assertThat(RequestPath.canonical(reencoded)).isEqualTo(canonical);
  }
}
