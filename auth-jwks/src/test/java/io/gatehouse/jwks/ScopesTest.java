package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scopes of a scanned token: a scope text the thread read last (the only scope claim of its
 * token, plain ASCII) gives the same set again without being split, checked or sorted; any other
 * text is read in full, and a refused text is never kept.
 */
class ScopesTest {
  private static final List<String> NAMES = List.of("scope", "scp");

  private static Set<String> scopes(String json) throws Refusal {
    ScannedClaims claims = ScannedClaims.scan(json.getBytes(StandardCharsets.UTF_8));
    assertThat(claims).isNotNull();
    return Scopes.of(claims, NAMES);
  }

  @Test
  void theSameScopeTextAgainGivesTheSameSetAndAnotherTextItsOwn() throws Exception {
    Set<String> first = scopes("{\"sub\":\"a\",\"scope\":\"write:items read:items\"}");
    assertThat(first).containsExactly("read:items", "write:items");
    // Another token (another payload array) with the same text: the set is shared, not rebuilt.
    assertThat(scopes("{\"scope\":\"write:items read:items\",\"sub\":\"b\"}")).isSameAs(first);
    // A text that differs in one byte, or the same text in the other claim, is read again.
    assertThat(scopes("{\"scope\":\"write:items read:itemz\"}"))
        .containsExactly("read:itemz", "write:items");
    assertThat(scopes("{\"scope\":\"write:items read:items\"}"))
        .isNotSameAs(first)
        .isEqualTo(first);
    Set<String> scp = scopes("{\"scp\":\"write:items read:items\"}");
    assertThat(scp).isEqualTo(first);
    // A prefix of the kept text is another text.
    assertThat(scopes("{\"scp\":\"write:items\"}")).containsExactly("write:items");
  }

  @Test
  void bothClaimsOrNoneAreReadAsBefore() throws Exception {
    assertThat(scopes("{\"scope\":\"a b\",\"scp\":[\"c\",\"a\"]}")).containsExactly("a", "b", "c");
    assertThat(scopes("{\"scope\":\"a b\",\"scp\":[\"c\",\"a\"]}")).containsExactly("a", "b", "c");
    assertThat(scopes("{\"sub\":\"a\"}")).isEmpty();
    assertThat(scopes("{\"scope\":null}")).isEmpty();
    assertThat(scopes("{\"scope\":\"a\\u0020b\"}")).containsExactly("a", "b");
  }

  @Test
  void aRefusedScopeTextIsRefusedEveryTime() throws Exception {
    String tooLong = "{\"scope\":\"ok " + "x".repeat(ClaimMapping.MAX_SCOPE_LENGTH + 1) + "\"}";
    String notAString = "{\"scope\":5}";
    for (int i = 0; i < 2; i++) {
      for (String json : List.of(tooLong, notAString)) {
        assertThatThrownBy(() -> scopes(json))
            .isInstanceOfSatisfying(
                Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.BAD_CLAIMS));
      }
    }
    // A text kept after a good token is not served for a refused one of another text.
    scopes("{\"scope\":\"ok\"}");
    assertThatThrownBy(() -> scopes(tooLong)).isInstanceOf(Refusal.class);
    assertThat(Map.of("s", scopes("{\"scope\":\"ok\"}"))).containsEntry("s", Set.of("ok"));
  }
}
