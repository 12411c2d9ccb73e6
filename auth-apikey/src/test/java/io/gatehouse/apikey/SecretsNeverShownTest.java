package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.LogCapture;
import io.gatehouse.testkit.SecretScan;
import org.junit.jupiter.api.Test;

/** No record of auth-apikey, and no exception it throws, shows a secret it holds or was given. */
class SecretsNeverShownTest {
  @Test
  void noRecordShowsItsSecrets() {
    SecretScan scan =
        new SecretScan()
            .notSecret("ChangeFeed$Change#key") // a token id
            .fixture(TokenHash.class, TokenHash.of(new byte[TokenHash.LENGTH]));
    try (LogCapture logs = new LogCapture()) {
      scan.scan(SecretScan.recordsIn("io.gatehouse.apikey."));
      scan.check("logs", logs.text());
    }

    assertThat(scan.leaks()).isEmpty();
    assertThat(scan.built().keySet())
        .as("unbuilt: %s", scan.unbuilt())
        .contains(CreatedToken.class, TokenRecord.class);
    assertThat(scan.secretComponents()).contains("io.gatehouse.apikey.CreatedToken#token");
  }

  @Test
  void aStoreUrlIsNeverEchoedWithItsPassword() {
    String password = SecretScan.marker("store-password");
    assertThatThrownBy(
            () -> TokenStores.jdbc().url("postgres://app:" + password + "@db:5432/app", "", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'postgres:'")
        .satisfies(e -> assertThat(SecretScan.shows(e.getMessage(), password)).isFalse());
    assertThatThrownBy(() -> TokenStores.jdbc().url(password, "", ""))
        .satisfies(e -> assertThat(SecretScan.shows(e.getMessage(), password)).isFalse());
  }
}
