package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.testkit.LogCapture;
import io.gatehouse.testkit.SecretScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No record of any module, no exception its constructor throws, no CLI output and no log line shows
 * a secret it was given: tokens, HS secrets, store passwords, credential headers, the environment.
 */
class SecretsNeverShownTest {
  @TempDir Path dir;

  @Test
  void noRecordOfAnyModuleShowsItsSecrets() {
    SecretScan scan =
        new SecretScan()
            .alsoSecret("CliEnvironment#env") // $GATEHOUSE_ADMINTOKEN, $GATEHOUSE_STORE_PASSWORD
            .alsoSecret("ConsoleSessions$Opened#id") // the session cookie
            .notSecret("ChangeFeed$Change#key") // a token id
            .notSecret("Identity#credentialId") // the token's id, not the token
            .notSecret("Management$LimitsView#token") // the token's id (or "default")
            .fixture(
                io.gatehouse.apikey.TokenHash.class,
                io.gatehouse.apikey.TokenHash.of(new byte[io.gatehouse.apikey.TokenHash.LENGTH]))
            .fixture(
                io.gatehouse.ipfilter.IpAddress.class,
                io.gatehouse.ipfilter.IpAddress.parse("192.0.2.1"));
    List<Class<?>> records =
        SecretScan.recordsIn("io.gatehouse.").stream()
            .filter(r -> !r.getName().startsWith("io.gatehouse.testkit."))
            .toList();

    try (LogCapture logs = new LogCapture()) {
      scan.scan(records);
      scan.check("logs", logs.text());
    }

    assertThat(scan.leaks()).isEmpty();
    assertThat(scan.built().keySet())
        .as("unbuilt: %s", scan.unbuilt())
        .contains(
            SpaceConfig.Issuer.class,
            SpaceConfig.class,
            Management.CheckRequest.class,
            Management.CreatedTokenView.class,
            StoreLocation.class,
            CliEnvironment.class,
            io.gatehouse.apikey.CreatedToken.class,
            io.gatehouse.apikey.TokenRecord.class,
            io.gatehouse.jwks.IssuerConfig.class);
    assertThat(scan.secretComponents())
        .contains(
            "io.gatehouse.admin.SpaceConfig$Issuer#secret",
            "io.gatehouse.admin.Management$CheckRequest#headers",
            "io.gatehouse.cli.StoreLocation#password",
            "io.gatehouse.cli.CliEnvironment#env",
            "io.gatehouse.apikey.CreatedToken#token",
            "io.gatehouse.jwks.IssuerConfig#hmacSecret");
  }

  @Test
  void theCliNeverPrintsNorLogsASecretItWasGiven() throws Exception {
    String hsSecret = SecretScan.marker("hs-secret");
    String header = SecretScan.marker("header");
    String adminToken = SecretScan.marker("admin-token");
    String storePassword = SecretScan.marker("store-password");
    Cli cli = new Cli(dir);
    Path secretFile = Files.writeString(dir.resolve("hs.txt"), hsSecret + "\n");
    StringBuilder shown = new StringBuilder();

    try (LogCapture logs = new LogCapture()) {
      for (Cli.Result result :
          List.of(
              cli.run(
                  "jwt-secret",
                  "--from-file",
                  secretFile.toString(),
                  "--issuer",
                  "me",
                  "--audience",
                  "api"),
              cli.run("jwks"),
              cli.run("check", "-H", "Authorization: Bearer " + header, "GET", "/api/hello"),
              cli.run("check", "-H", "x-apikey: ghk_" + header, "GET", "/api/hello"),
              cli.run("--server", "http://127.0.0.1:1", "--admintoken", adminToken, "tokens"),
              cli.run("--server", "http://127.0.0.1:1", "--admintoken", adminToken, "serve"),
              cli.run(
                  "--server",
                  "https://ops:" + storePassword + "@127.0.0.1:1",
                  "--admintoken",
                  adminToken,
                  "tokens"),
              cli.run("--server", "https://ops:" + storePassword + "@[bad", "tokens"),
              cli.run(
                  "--store",
                  "jdbc:postgresql://127.0.0.1:1/db?user=u&password=" + storePassword,
                  "tokens"),
              cli.run("--store", "jdbc:mysql://u:" + storePassword + "@db/x", "tokens"),
              cli.run("--store", "postgres://u:" + storePassword + "@db/x", "tokens"))) {
        shown.append(result).append('\n');
      }
      shown.append(logs.text());
    }

    for (Map.Entry<String, String> secret :
        Map.of(
                "HS secret", hsSecret,
                "credential header", header,
                "admin token", adminToken,
                "store password", storePassword)
            .entrySet()) {
      assertThat(SecretScan.shows(shown.toString(), secret.getValue()))
          .as("the %s shows in:\n%s", secret.getKey(), shown)
          .isFalse();
    }
    assertThat(shown).contains("Set HS"); // the secret was taken, not refused
  }
}
