package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityHeadersTest {

  @Test
  void anIdentityBecomesFiveHeadersInAFixedOrder() {
    Identity identity =
        Identity.builder("tok_1", "apikey", "dev")
            .access(Access.ADMIN)
            .permissions(Set.of("deploy", "backup"))
            .build();

    assertThat(IdentityHeaders.of(identity))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("X-Gatehouse-Subject", "tok_1"),
            org.assertj.core.api.Assertions.entry("X-Gatehouse-Access", "admin"),
            org.assertj.core.api.Assertions.entry("X-Gatehouse-Permissions", "backup,deploy"),
            org.assertj.core.api.Assertions.entry("X-Gatehouse-Space", "dev"),
            org.assertj.core.api.Assertions.entry("X-Gatehouse-Method", "apikey"));
  }

  @Test
  void aHostileSubjectCannotSplitAHeaderOrAddAListElement() {
    Identity identity =
        Identity.builder("evil\r\nX-Gatehouse-Access: admin", "jwt", "dev")
            .access(Access.READ)
            .permissions(Set.of("a,b", "ü 100%"))
            .build();

    var headers = IdentityHeaders.of(identity);

    assertThat(headers.get(IdentityHeaders.SUBJECT))
        .isEqualTo("evil%0D%0AX-Gatehouse-Access:%20admin");
    assertThat(headers.get(IdentityHeaders.PERMISSIONS)).isEqualTo("a%2Cb,%C3%BC%20100%25");
    assertThat(String.join("", headers.values())).matches("[\\x21-\\x7e]*");
  }

  @Test
  void theGatehousePrefixIsMatchedInAnyCaseAndNothingElseIs() {
    assertThat(IdentityHeaders.isGatehouseHeader("X-GATEHOUSE-subject")).isTrue();
    assertThat(IdentityHeaders.isGatehouseHeader("x-gatehouse-anything")).isTrue();
    assertThat(IdentityHeaders.isGatehouseHeader("X-Gatehouse")).isFalse();
    assertThat(IdentityHeaders.isGatehouseHeader("X-Forwarded-For")).isFalse();
  }
}
