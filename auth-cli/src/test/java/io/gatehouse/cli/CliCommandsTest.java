package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every management command, in-process, on an embedded H2 store in a temporary directory. */
class CliCommandsTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  @Test
  void addTokenPrintsTheTokenAndItsAccess() {
    Cli.Result readWrite = cli.run("add-token", "--name", "ci");
    Cli.Result read = cli.run("add-token", "--readonly", "--expires", "30d");

    assertThat(readWrite.code()).as(readWrite.toString()).isZero();
    assertThat(readWrite.out()).matches("Created new token ghk_\\S+ with access READ_WRITE\\R");
    assertThat(read.out()).matches("Created new token ghk_\\S+ with access READ\\R");
    assertThat(dir.resolve(".gatehouse/gatehouse-tokens.mv.db")).exists();
    assertThat(dir.resolve(".gatehouse/.gitignore")).hasContent("*");

    Cli.Result list = cli.run("tokens");
    assertThat(list.code()).isZero();
    assertThat(list.out())
        .contains("ID", "TOKEN", "KIND", "ACCESS", "NAME", "CREATED", "LAST USED", "EXPIRES")
        .contains("READ_WRITE", "ci", "active")
        .doesNotContain(readWrite.token())
        .doesNotContain(read.token());
    assertThat(Cli.lines(list.out())).hasSize(3);
  }

  @Test
  void addAdminTokenPrintsTheTwoLines() {
    Cli.Result result = cli.run("add-admintoken", "--team", "ops", "--ops", "deploy,backup");

    assertThat(result.code()).isZero();
    assertThat(Cli.lines(result.out()))
        .containsExactly(
            "New admin token added: " + result.token(),
            "Please copy this now and keep it secret. It will never be shown in full again.");
    assertThat(result.token()).startsWith("gha_");
    assertThat(cli.run("tokens").out()).contains("admin", "ADMIN(backup,deploy)");
  }

  @Test
  void badArgumentsGiveOneLineAndExitTwo() {
    Cli.Result duration = cli.run("add-token", "--expires", "3x");
    Cli.Result permission = cli.run("add-admintoken", "--ops", "Deploy!");
    Cli.Result unknownOption = cli.run("add-token", "--bogus");
    Cli.Result space = cli.run("--space", "no spaces", "tokens");

    for (Cli.Result result : new Cli.Result[] {duration, permission, unknownOption, space}) {
      assertThat(result.code()).as(result.toString()).isEqualTo(Main.EXIT_USAGE);
      assertThat(Cli.lines(result.err())).as(result.toString()).hasSize(1);
      assertThat(result.out()).isEmpty();
    }
    assertThat(duration.err()).contains("'3x'");
    assertThat(permission.err()).contains("Deploy!");
  }

  @Test
  void revokeByIdOrTokenAndUnknownIsExitOne() {
    String token = cli.run("add-token").token();
    String other = cli.run("add-token").token();
    String otherId = other.substring(4, 14);

    Cli.Result byToken = cli.run("revoke", token);
    Cli.Result byId = cli.run("revoke", otherId);
    Cli.Result unknown = cli.run("revoke", "AAAAAAAAAA");

    assertThat(byToken.code()).isZero();
    assertThat(byToken.out()).startsWith("Revoked token " + token.substring(4, 14));
    assertThat(byId.out()).startsWith("Revoked token " + otherId);
    assertThat(unknown.code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(unknown.err()).startsWith("gatehouse: no token");
    assertThat(cli.run("tokens").out()).contains("revoked");
    assertThat(cli.run("check", "-H", "x-apikey: " + token, "GET", "/api/hello").out())
        .startsWith("DENY 401 revoked");
  }

  @Test
  void tokensOfAnotherSpaceAreNotReachable() {
    String token = cli.run("--space", "prod", "add-token").token();

    assertThat(cli.run("revoke", token).code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(cli.run("tokens").out()).contains("No tokens yet");
    assertThat(cli.run("--space", "prod", "tokens").out()).contains(token.substring(4, 14));
  }

  @Test
  void rotateGivesANewTokenAndKeepsTheOldOneForTheGrace() {
    String old = cli.run("add-token").token();
    String id = old.substring(4, 14);

    Cli.Result rotated = cli.run("rotate", id, "--grace", "24h");

    assertThat(rotated.code()).as(rotated.toString()).isZero();
    String fresh = rotated.token();
    assertThat(fresh).isNotEqualTo(old).startsWith("ghk_" + id);
    assertThat(rotated.out()).contains("The old token keeps working until");
    assertThat(cli.run("check", "-H", "x-apikey: " + old, "GET", "/api/hello").code()).isZero();
    assertThat(cli.run("check", "-H", "x-apikey: " + fresh, "GET", "/api/hello").code()).isZero();

    Cli.Result noGrace = cli.run("rotate", id);
    assertThat(noGrace.out()).contains("The old token stopped working now.");
    assertThat(cli.run("check", "-H", "x-apikey: " + fresh, "GET", "/api/hello").code())
        .isEqualTo(Main.EXIT_REFUSED);
    assertThat(cli.run("rotate", "AAAAAAAAAA").code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(cli.run("rotate", id, "--grace", "soon").code()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void importTokenKeepsAForeignTokenWorking() {
    String uuid = "123e4567-e89b-12d3-a456-426614174000";

    Cli.Result imported = cli.run("import-token", uuid, "--readonly");

    assertThat(imported.code()).as(imported.toString()).isZero();
    assertThat(imported.out()).startsWith("Imported token ").contains("with access READ");
    assertThat(imported.out()).doesNotContain(uuid);
    assertThat(cli.run("check", "-H", "x-apikey: " + uuid, "GET", "/api/hello").code()).isZero();
    assertThat(cli.run("check", "-H", "x-apikey: " + uuid, "POST", "/api/items").out())
        .startsWith("DENY 403 insufficient_access");
    assertThat(cli.run("import-token", uuid).code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("import-token", "short").code()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void jwksSetsListsAndRemovesIssuers() {
    Cli.Result set =
        cli.run(
            "jwks",
            "https://idp.example/.well-known/jwks.json",
            "--audience",
            "orders",
            "--alg",
            "RS256,ES256");

    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(Cli.lines(set.out()).get(0)).isEqualTo("Set JWKS url to space 'dev'");
    assertThat(set.out()).contains("https://idp.example ", "RS256,ES256", "audience orders");
    assertThat(cli.run("jwks").out()).contains("JWT issuers in space 'dev':", "idp.example");
    assertThat(cli.run("--space", "other", "jwks").out()).contains("No JWT issuers");

    assertThat(cli.run("jwks", "--remove", "https://idp.example").code()).isZero();
    assertThat(cli.run("jwks").out()).contains("No JWT issuers");
    assertThat(cli.run("jwks", "--remove", "https://idp.example").code())
        .isEqualTo(Main.EXIT_REFUSED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://idp.example/jwks", // plain http off loopback
        "not a url",
        "ftp://idp.example/jwks",
        "https://user@idp.example/jwks"
      })
  void malformedJwksUrlsAreRefusedAndNothingIsStored(String url) {
    Cli.Result result = cli.run("jwks", url, "--audience", "api");

    assertThat(result.code()).as(result.toString()).isEqualTo(Main.EXIT_USAGE);
    assertThat(Cli.lines(result.err())).hasSize(1);
    assertThat(cli.run("jwks").out()).contains("No JWT issuers");
  }

  @Test
  void unsupportedAlgorithmIsAUsageError() {
    Cli.Result result =
        cli.run("jwks", "https://idp.example/jwks", "--alg", "none", "--audience", "api");

    assertThat(result.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(result.err()).contains("'NONE'");
  }

  @Test
  void jwtSecretGeneratesOrReadsAFile() throws Exception {
    Cli.Result generated =
        cli.run("jwt-secret", "--generate", "--issuer", "me", "--audience", "api");

    assertThat(generated.code()).as(generated.toString()).isZero();
    String secret = Cli.lines(generated.out()).get(1);
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");
    assertThat(generated.out()).contains("Set HS256 secret for issuer 'me' to space 'dev'");
    assertThat(cli.run("jwks").out())
        .contains("me  HS secret (256 bits, fingerprint sha256:")
        .doesNotContain(secret);

    Path file = dir.resolve("secret.txt");
    Files.writeString(file, secret + "\n");
    assertThat(
            cli.run(
                    "jwt-secret",
                    "--from-file",
                    file.toString(),
                    "--base64url",
                    "--issuer",
                    "other",
                    "--audience",
                    "api")
                .code())
        .isZero();

    Files.writeString(file, "AAAAAAAAAAAAAAAAAAAAAA"); // 128 bits
    Cli.Result tooShort = cli.run("jwt-secret", "--from-file", file.toString(), "--audience", "a");
    assertThat(tooShort.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(tooShort.err()).contains("256 bits");
    assertThat(
            cli.run(
                    "jwt-secret",
                    "--from-file",
                    dir.resolve("missing").toString(),
                    "--audience",
                    "a")
                .code())
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("jwt-secret").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("jwt-secret", "--generate", "--from-file", file.toString()).code())
        .isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void hs256TokensSignedWithTheSecretAreAccepted() throws Exception {
    String secret =
        Cli.lines(cli.run("jwt-secret", "--generate", "--issuer", "me", "--audience", "api").out())
            .get(1);
    String jwt = Jwts.hs256(secret, "me", "alice");

    Cli.Result check = cli.run("check", "-H", "Authorization: Bearer " + jwt, "GET", "/api/hello");

    assertThat(check.code()).as(check.toString()).isZero();
    assertThat(check.out()).startsWith("ALLOW alice via jwt").doesNotContain(jwt);
    assertThat(
            cli.run(
                    "check",
                    "-H",
                    "Authorization: Bearer " + Jwts.hs256(secret, "else", "bob"),
                    "GET",
                    "/api/hello")
                .out())
        .startsWith("DENY 401");
  }

  /**
   * Issue 11 item 5: an issuer added without {@code --audience} accepted tokens its IdP minted for
   * any other client. Now the command refuses, naming both {@code --audience} and the explicit
   * opt-out {@code --any-audience}, which is stored and shown as a warning in every listing.
   */
  @Test
  void anIssuerNeedsAnAudienceOrTheExplicitAnyAudience() {
    for (String[] args :
        List.of(
            new String[] {"jwks", "https://idp.example/jwks.json"},
            new String[] {"jwt-secret", "--generate", "--issuer", "me"})) {
      Cli.Result refused = cli.run(args);
      assertThat(refused.code()).as(refused.toString()).isEqualTo(Main.EXIT_USAGE);
      assertThat(refused.err()).contains("--audience", "--any-audience");
    }
    assertThat(cli.run("jwks").out()).contains("No JWT issuers");
    assertThat(
            cli.run("jwks", "https://idp.example/jwks.json", "--audience", "a", "--any-audience")
                .code())
        .isEqualTo(Main.EXIT_USAGE);

    Cli.Result any = cli.run("jwks", "https://idp.example/jwks.json", "--any-audience");
    assertThat(any.code()).as(any.toString()).isZero();
    assertThat(any.out()).contains("WARNING: accepts tokens minted for ANY audience");
    assertThat(cli.run("jwks").out())
        .contains("https://idp.example  jwks", "WARNING: accepts tokens minted for ANY audience");
  }

  /**
   * Issue 11 item 5, stored settings: an issuer written by an older gatehouse without an audience
   * loads as refused, with the reason in the trace and the listing, until an audience is set. The
   * rest of the space's settings still apply.
   */
  @Test
  void anIssuerStoredWithoutAnAudienceIsRefusedVisiblyUntilOneIsSet() throws Exception {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) 9);
    String encoded = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    assertThat(cli.run("whitelist", "127.0.0.1").code()).isZero(); // creates the store
    StoreLocation store = StoreLocation.resolve(null, java.util.Map.of(), dir);
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(store.url(), store.user(), store.password());
        java.sql.PreparedStatement insert =
            connection.prepareStatement(
                "insert into gatehouse_space_settings (space, name, setting_value, updated_at)"
                    + " values ('dev', 'issuers', ?, 0)")) {
      insert.setString(
          1,
          "{\"issuers\":[{\"issuer\":\"legacy\",\"secret\":\""
              + encoded
              + "\",\"audiences\":[],\"algorithms\":[\"HS256\"]}]}");
      insert.executeUpdate();
    }
    String jwt = Jwts.hs256(key, "legacy", "alice");

    assertThat(cli.run("jwks").out())
        .contains("legacy  HS secret", "WARNING: tokens are REFUSED", "--audience AUD");
    Cli.Result refused =
        cli.run("check", "-H", "Authorization: Bearer " + jwt, "GET", "/api/hello");
    assertThat(refused.out())
        .as(refused.toString())
        .startsWith("DENY 401")
        .contains("issuer 'legacy' is configured but refused", "stored without an audience");
    assertThat(cli.run("whitelist").out()).contains("127.0.0.1/32");

    Path file = dir.resolve("legacy.key");
    Files.writeString(file, encoded + "\n");
    assertThat(
            cli.run(
                    "jwt-secret",
                    "--from-file",
                    file.toString(),
                    "--base64url",
                    "--issuer",
                    "legacy",
                    "--audience",
                    "api")
                .code())
        .isZero();
    assertThat(cli.run("check", "-H", "Authorization: Bearer " + jwt, "GET", "/api/hello").out())
        .startsWith("ALLOW alice via jwt");
  }

  /**
   * Issue 11 item 8: {@code jwt-secret --from-file} decoded a file as base64 whenever it looked
   * like base64, so a text secret as Supabase, Auth0 or jwt.io use it never verified. Now the
   * file's bytes are the key (one trailing newline dropped); {@code --base64}/{@code --base64url}
   * decode on request; size and fingerprint are printed, and a failed signature names them.
   */
  @Test
  void aTextSecretFileIsUsedAsItsBytesAndDecodedOnlyOnRequest() throws Exception {
    String text = "super-secret-jwt-token-with-at-least-32-characters-long"; // 55 characters
    byte[] textBytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String fingerprint = io.gatehouse.jwks.IssuerConfig.secretFingerprint(textBytes);
    Path file = dir.resolve("supabase.secret");
    Files.writeString(file, text + "\n");

    Cli.Result set =
        cli.run(
            "jwt-secret", "--from-file", file.toString(), "--issuer", "supa", "--audience", "api");
    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(set.out())
        .contains("secret: 440 bits, fingerprint " + fingerprint + " (the file's text bytes)")
        .doesNotContain(text);
    assertThat(cli.run("jwks").out())
        .contains("supa  HS secret (440 bits, fingerprint " + fingerprint + ")");
    String signedWithText = Jwts.hs256(textBytes, "supa", "alice");
    assertThat(
            cli.run("check", "-H", "Authorization: Bearer " + signedWithText, "GET", "/api/hello")
                .out())
        .startsWith("ALLOW alice via jwt");
    // Signed with the bytes the old code took (the text's base64url decoding): refused, and the
    // trace names the issuer and the configured secret's fingerprint, never the secret.
    byte[] decoded = java.util.Base64.getUrlDecoder().decode(text.replace("-", "_") + "=");
    Cli.Result wrong =
        cli.run(
            "check",
            "-H",
            "Authorization: Bearer " + Jwts.hs256(decoded, "supa", "alice"),
            "GET",
            "/api/hello");
    assertThat(wrong.out())
        .startsWith("DENY 401 bad_signature")
        .contains("issuer 'supa'", "440 bits", fingerprint)
        .doesNotContain(text);

    byte[] random = new byte[48];
    new java.security.SecureRandom().nextBytes(random);
    Path encoded = dir.resolve("b64.secret");
    Files.writeString(encoded, java.util.Base64.getEncoder().encodeToString(random) + "\n");
    Cli.Result b64 =
        cli.run(
            "jwt-secret",
            "--from-file",
            encoded.toString(),
            "--base64",
            "--issuer",
            "b64",
            "--audience",
            "api");
    assertThat(b64.out())
        .as(b64.toString())
        .contains(
            "384 bits, fingerprint "
                + io.gatehouse.jwks.IssuerConfig.secretFingerprint(random)
                + " (base64-decoded)");
    assertThat(
            cli.run(
                    "check",
                    "-H",
                    "Authorization: Bearer " + Jwts.hs256(random, "b64", "bob"),
                    "GET",
                    "/api/hello")
                .out())
        .startsWith("ALLOW bob via jwt");
    Files.writeString(encoded, "+/+/" + "A".repeat(60));
    Cli.Result notUrl =
        cli.run(
            "jwt-secret", "--from-file", encoded.toString(), "--base64url", "--audience", "api");
    assertThat(notUrl.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(notUrl.err()).contains("not base64url", "--base64");
  }

  @Test
  void whitelistAddsListsAndRemoves() {
    assertThat(cli.run("whitelist").out()).contains("No allowlist in space 'dev'");

    Cli.Result added = cli.run("whitelist", "127.0.0.1", "10.0.0.0/8", "2001:db8::/32");

    assertThat(added.code()).as(added.toString()).isZero();
    assertThat(added.out())
        .contains("Allowed 127.0.0.1/32, 10.0.0.0/8, 2001:db8::/32 in space 'dev'");
    assertThat(cli.run("whitelist").out()).contains("  10.0.0.0/8", "  2001:db8::/32");
    assertThat(cli.run("check", "--ip", "192.0.2.1", "GET", "/api/hello").out())
        .startsWith("DENY 403 address_denied");

    assertThat(cli.run("whitelist", "--remove", "10.0.0.0/8").out()).contains("Removed 10.0.0.0/8");
    assertThat(cli.run("whitelist", "--remove", "10.0.0.0/8").code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(cli.run("whitelist", "1.2.3.4", "--remove", "127.0.0.1").code())
        .isEqualTo(Main.EXIT_USAGE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "300.1.1.1",
        "10.0.0.1/8",
        "010.0.0.1",
        "localhost",
        "1.2.3.4/33",
        "fe80::1%eth0",
        "0x7f.0.0.1"
      })
  void malformedAddressesAreRefusedAndNothingIsHalfWritten(String bad) {
    Cli.Result result = cli.run("whitelist", "192.0.2.1", bad);

    assertThat(result.code()).as(result.toString()).isEqualTo(Main.EXIT_USAGE);
    assertThat(Cli.lines(result.err())).hasSize(1);
    assertThat(cli.run("whitelist").out()).contains("No allowlist"); // 192.0.2.1 not stored either
  }

  @Test
  void denylistRefusesItsAddressesListsAndRemoves() {
    String token = cli.run("add-token").token();
    assertThat(cli.run("denylist").out()).contains("No denylist in space 'dev'");

    Cli.Result added = cli.run("denylist", "192.0.2.0/24", "2001:db8::/32");

    assertThat(added.code()).as(added.toString()).isZero();
    assertThat(added.out())
        .contains("Denied 192.0.2.0/24, 2001:db8::/32 in space 'dev'")
        .contains("The 2 denylisted entries are refused");
    assertThat(cli.run("denylist").out())
        .contains("Denylist of space 'dev':", "  192.0.2.0/24", "  2001:db8::/32");
    Cli.Result denied =
        cli.run("check", "--ip", "192.0.2.7", "-H", "x-apikey: " + token, "GET", "/api/hello");
    assertThat(denied.code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(denied.out()).startsWith("DENY 403 address_denied");
    assertThat(
            cli.run(
                    "check",
                    "--ip",
                    "198.51.100.7",
                    "-H",
                    "x-apikey: " + token,
                    "GET",
                    "/api/hello")
                .out())
        .startsWith("ALLOW");
    assertThat(cli.run("whitelist").out()).contains("No allowlist"); // a separate list

    Cli.Result removed = cli.run("denylist", "--remove", "192.0.2.0/24");
    assertThat(removed.out()).contains("Removed 192.0.2.0/24 from the denylist of space 'dev'");
    assertThat(
            cli.run("check", "--ip", "192.0.2.7", "-H", "x-apikey: " + token, "GET", "/api/hello")
                .out())
        .startsWith("ALLOW");
    assertThat(cli.run("denylist", "--remove", "192.0.2.0/24").code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(cli.run("denylist", "1.2.3.4", "--remove", "2001:db8::/32").code())
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("denylist", "--remove", "2001:db8::/32").out()).contains("No denylist");
  }

  /** Settings rows as a gatehouse before denylists wrote them (no deny row) load with none. */
  @Test
  void settingsStoredBeforeDenylistsLoadWithAnEmptyDenylist() throws Exception {
    String token = cli.run("add-token").token(); // creates the store
    StoreLocation store = StoreLocation.resolve(null, java.util.Map.of(), dir);
    try (java.sql.Connection connection =
            java.sql.DriverManager.getConnection(store.url(), store.user(), store.password());
        java.sql.PreparedStatement insert =
            connection.prepareStatement(
                "insert into gatehouse_space_settings (space, name, setting_value, updated_at)"
                    + " values ('dev', ?, ?, 0)")) {
      for (String[] row :
          new String[][] {
            {"issuers", "{\"issuers\":[]}"},
            {"allow", "{\"allow\":[\"192.0.2.0/24\"]}"},
            {"proxies", "{\"cidrs\":[],\"hops\":0}"}
          }) {
        insert.setString(1, row[0]);
        insert.setString(2, row[1]);
        insert.executeUpdate();
      }
    }

    assertThat(cli.run("denylist").out()).contains("No denylist in space 'dev'");
    assertThat(check(token, "192.0.2.7")).startsWith("ALLOW");
    assertThat(cli.run("denylist", "192.0.2.7").code()).isZero();
    assertThat(check(token, "192.0.2.7")).startsWith("DENY 403 address_denied");
    assertThat(cli.run("whitelist").out()).contains("  192.0.2.0/24");
  }

  @Test
  void aDenyEntryWinsOverAnAllowEntryCoveringTheSameAddress() {
    String token = cli.run("add-token").token();
    assertThat(cli.run("whitelist", "192.0.2.0/24", "203.0.113.0/24").code()).isZero();
    assertThat(cli.run("denylist", "192.0.2.0/24").code()).isZero(); // the very same block
    assertThat(check(token, "192.0.2.7")).startsWith("DENY 403 address_denied");
    assertThat(check(token, "203.0.113.9")).startsWith("ALLOW");

    assertThat(cli.run("whitelist", "192.0.2.7").code()).isZero(); // more specific than the deny
    assertThat(check(token, "192.0.2.7")).startsWith("DENY 403 address_denied");
    assertThat(cli.run("denylist", "203.0.113.9").code()).isZero(); // inside an allowed block
    assertThat(check(token, "203.0.113.9")).startsWith("DENY 403 address_denied");
    assertThat(check(token, "203.0.113.10")).startsWith("ALLOW");
    assertThat(check(token, "198.51.100.1")).startsWith("DENY 403 address_denied"); // not allowed
  }

  @Test
  void anAllowlistWhollyDeniedStillLetsNobodyIn() {
    String token = cli.run("add-token").token();
    assertThat(cli.run("whitelist", "192.0.2.7").code()).isZero();
    assertThat(cli.run("denylist", "192.0.2.0/24").code()).isZero();

    assertThat(check(token, "192.0.2.7")).startsWith("DENY 403 address_denied");
    assertThat(check(token, "198.51.100.1")).startsWith("DENY 403 address_denied");
    assertThat(check(token, "2001:db8::1")).startsWith("DENY 403 address_denied");
  }

  private String check(String token, String ip) {
    return cli.run("check", "--ip", ip, "-H", "x-apikey: " + token, "GET", "/api/hello").out();
  }

  @ParameterizedTest
  @ValueSource(strings = {"999.1.1.1", "10.0.0.1/33", "localhost", "api.example.com", "10.0.0.1/8"})
  void malformedDenyEntriesAreUsageErrorsAndNothingIsWritten(String bad) {
    Cli.Result result = cli.run("denylist", "192.0.2.1", bad);

    assertThat(result.code()).as(result.toString()).isEqualTo(Main.EXIT_USAGE);
    assertThat(Cli.lines(result.err())).hasSize(1);
    assertThat(result.err()).contains(bad);
    assertThat(cli.run("denylist").out()).contains("No denylist"); // 192.0.2.1 not stored either
  }

  @Test
  void trustProxyByCidrOrHopsOrNone() {
    assertThat(cli.run("trust-proxy").out()).contains("Trusting no proxy");

    assertThat(cli.run("trust-proxy", "10.0.0.0/8").out())
        .contains("Trusted proxies in space 'dev': 10.0.0.0/8");
    assertThat(cli.run("trust-proxy", "192.168.0.0/16").out())
        .contains("10.0.0.0/8, 192.168.0.0/16");
    Cli.Result behindProxy =
        cli.run(
            "check",
            "--ip",
            "10.1.2.3",
            "-H",
            "X-Forwarded-For: 198.51.100.7",
            "GET",
            "/api/hello");
    assertThat(behindProxy.out()).contains("client 198.51.100.7");

    // A hop count keeps the stored CIDRs: the header counts only from those peers.
    assertThat(cli.run("trust-proxy", "--hops", "2").out())
        .contains("2 hops from 10.0.0.0/8, 192.168.0.0/16")
        .doesNotContain("Warning");
    assertThat(cli.run("trust-proxy", "--none").out()).contains("Trusting no proxy");
    assertThat(cli.run("trust-proxy", "--hops", "0").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("trust-proxy", "--none", "--hops", "1").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("trust-proxy", "10.0.0.1/8").code()).isEqualTo(Main.EXIT_USAGE);
  }

  /** Issue 11 item 13: --hops alone believes any peer; with CIDRs a direct client cannot lie. */
  @Test
  void trustProxyHopsCombineWithCidrsAndHopsAloneWarn() {
    Cli.Result alone = cli.run("trust-proxy", "--hops", "1");
    assertThat(alone.code()).as(alone.toString()).isZero();
    assertThat(alone.out())
        .contains("1 hop from any peer")
        .contains("Warning: a hop count without proxy CIDRs")
        .contains("trust-proxy --hops N 10.0.0.0/8");
    assertThat(cli.run("trust-proxy").out()).contains("Warning: a hop count without proxy CIDRs");
    // The hole the warning is about: a direct client sends X-Forwarded-For and becomes 10.0.0.5.
    assertThat(spoofedCheck().out()).contains("client 10.0.0.5");

    Cli.Result combined = cli.run("trust-proxy", "--hops", "1", "10.0.0.0/8");
    assertThat(combined.code()).as(combined.toString()).isZero();
    assertThat(combined.out()).contains("1 hop from 10.0.0.0/8").doesNotContain("Warning");
    assertThat(spoofedCheck().out()).contains("client 203.0.113.9").doesNotContain("10.0.0.5");
    Cli.Result throughProxy =
        cli.run(
            "check",
            "--ip",
            "10.1.2.3",
            "-H",
            "X-Forwarded-For: 6.6.6.6, 198.51.100.7",
            "GET",
            "/api/hello");
    assertThat(throughProxy.out()).contains("client 198.51.100.7");
    // Adding CIDRs keeps the hop count.
    assertThat(cli.run("trust-proxy", "172.16.0.0/12").out())
        .contains("1 hop from 10.0.0.0/8, 172.16.0.0/12");
  }

  private Cli.Result spoofedCheck() {
    return cli.run(
        "check", "--ip", "203.0.113.9", "-H", "X-Forwarded-For: 10.0.0.5", "GET", "/api/hello");
  }

  @Test
  void checkExplainsAndExitsByDecision() {
    String read = cli.run("add-token", "--readonly").token();

    Cli.Result allowed = cli.run("check", "-H", "x-apikey: " + read, "GET", "/api/hello");
    Cli.Result refused = cli.run("check", "-H", "x-apikey: " + read, "POST", "/api/items");
    Cli.Result anonymous = cli.run("check", "GET", "/api/hello?x=1");

    assertThat(allowed.code()).isZero();
    assertThat(allowed.out())
        .startsWith("ALLOW")
        .contains("authenticator:apikey", "access")
        .doesNotContain(read);
    assertThat(refused.code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(refused.out()).startsWith("DENY 403 insufficient_access").doesNotContain(read);
    assertThat(anonymous.out()).startsWith("DENY 401 missing_credentials");
    assertThat(cli.run("check", "--ip", "999.1.1.1", "GET", "/").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("check", "GET", "no-slash").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("check", "-H", "no colon", "GET", "/").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("check", "G E T", "/").code()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void checkJudgesAMethodOverrideOfAReadToken() {
    String read = cli.run("add-token", "--readonly").token();
    String write = cli.run("add-token").token();

    Cli.Result overridden =
        cli.run(
            "check",
            "-H",
            "x-apikey: " + read,
            "-H",
            "X-HTTP-Method-Override: DELETE",
            "GET",
            "/api/items/1");
    assertThat(overridden.code()).as(overridden.toString()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(overridden.out())
        .startsWith("DENY 403 insufficient_access")
        .contains("method DELETE (asked for by a method override on GET)");
    assertThat(
            cli.run("check", "-H", "x-apikey: " + read, "GET", "/api/items/1?_method=PUT").code())
        .isEqualTo(Main.EXIT_REFUSED);

    Cli.Result writer =
        cli.run(
            "check",
            "-H",
            "x-apikey: " + write,
            "-H",
            "X-HTTP-Method: GET, DELETE",
            "GET",
            "/api/items/1");
    assertThat(writer.code()).as(writer.toString()).isZero();
    assertThat(writer.out()).contains("method override GET,DELETE seen; judged as DELETE");
  }

  @Test
  void adminPathsNeedAnAdminTokenWithPermission() {
    String api = cli.run("add-token").token();
    String deployer = cli.run("add-admintoken", "--ops", "deploy").token();
    String manager = cli.run("add-admintoken", "--ops", "manage").token();
    String tokensOnly = cli.run("add-admintoken", "--ops", "tokens").token();

    assertThat(cli.run("check", "-H", "x-apikey: " + api, "GET", "/_admin/api/tokens").out())
        .startsWith("DENY 403")
        .contains("needs an admin token");
    assertThat(
            cli.run("check", "-H", "Authorization: Bearer " + deployer, "GET", "/_admin/api/tokens")
                .out())
        .startsWith("DENY 403")
        .contains("'manage' or 'tokens'");
    assertThat(
            cli.run(
                    "check",
                    "-H",
                    "Authorization: Bearer " + manager,
                    "GET",
                    "/_admin/api/settings")
                .code())
        .isZero();
    assertThat(
            cli.run(
                    "check",
                    "-H",
                    "Authorization: Bearer " + tokensOnly,
                    "GET",
                    "/_admin/api/tokens")
                .code())
        .isZero();
    assertThat(
            cli.run("check", "-H", "Authorization: Bearer " + tokensOnly, "PUT", "/_admin/api/jwks")
                .code())
        .isEqualTo(Main.EXIT_REFUSED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "add-token",
        "add-admintoken",
        "tokens",
        "revoke",
        "rotate",
        "import-token",
        "jwks",
        "jwt-secret",
        "whitelist",
        "trust-proxy",
        "check",
        "serve",
        "demo"
      })
  void everyCommandHasHelp(String command) {
    Cli.Result help = cli.run(command, "--help");

    assertThat(help.code()).isZero();
    assertThat(help.out()).startsWith("Usage: gatehouse " + command).contains("--store", "--space");
  }

  @Test
  void rootPrintsAHintAndHelp() {
    assertThat(cli.run().out()).contains("gatehouse demo");
    assertThat(cli.run("--help").out()).contains("add-token", "whitelist", "Exit codes");
    assertThat(cli.run("--version").out()).contains("gatehouse");
    assertThat(cli.run("nonsense").code()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void unreachableStoreIsExitThreeWithOneLine() {
    Cli.Result result = cli.run("--store", "jdbc:postgresql://127.0.0.1:1/gatehouse", "tokens");

    assertThat(result.code()).as(result.toString()).isEqualTo(Main.EXIT_UNAVAILABLE);
    assertThat(Cli.lines(result.err())).hasSize(1);
    assertThat(result.err())
        .startsWith("gatehouse: store unreachable at jdbc:postgresql://127.0.0.1:1");
  }

  @Test
  void storeLocationsFromOptionEnvironmentOrDirectory() {
    cli.env.put("GATEHOUSE_STORE", dir.resolve("from-env").toString());
    String token = cli.run("add-token").token();
    assertThat(dir.resolve("from-env/gatehouse-tokens.mv.db")).exists();

    Cli.Result jdbc =
        cli.run("--store", "jdbc:h2:file:" + dir.resolve("from-env/gatehouse-tokens"), "tokens");
    assertThat(jdbc.out()).contains(token.substring(4, 14));
    assertThat(cli.run("--store", "jdbc:mysql://db/x", "tokens").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(StoreLocation.redact("jdbc:postgresql://db/x?user=a&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/x?user=a&password=***&ssl=true");
  }

  @Test
  void serveAndDemoRefuseRemoteMode() {
    assertThat(cli.run("--server", "http://127.0.0.1:1", "serve").code())
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("--server", "http://127.0.0.1:1", "demo").code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(cli.run("--server", "http://127.0.0.1:1", "tokens").err()).contains("--admintoken");
  }
}
