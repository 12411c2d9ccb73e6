package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.SecretScan;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** No record of auth-jwks, and no exception its constructors throw, shows an HMAC secret. */
class SecretsNeverShownTest {
  @Test
  void noRecordShowsItsSecrets() {
    SecretScan scan = new SecretScan();
    scan.scan(SecretScan.recordsIn("io.gatehouse.jwks."));

    assertThat(scan.leaks()).isEmpty();
    assertThat(scan.built().keySet())
        .as("unbuilt: %s", scan.unbuilt())
        .contains(IssuerConfig.class, TokenCache.Entry.class);
    assertThat(scan.secretComponents()).contains("io.gatehouse.jwks.IssuerConfig#hmacSecret");
  }

  @Test
  void anIssuerBuiltWithASecretNeverPrintsIt() {
    String marker = SecretScan.marker("issuer-secret");
    IssuerConfig issuer =
        IssuerConfig.builder("https://issuer.example")
            .hmacSecret(Base64.getDecoder().decode(marker))
            .audience("api")
            .build();
    assertThat(SecretScan.shows(issuer.toString(), marker)).isFalse();
  }
}
