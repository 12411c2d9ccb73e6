package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Access;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by main@7a2a76c (before issue 12: no declared spaces, settings schema 1) opens
 * with this library, is migrated forward, and keeps its tokens and settings. The fixture was
 * written by running that version's CLI (see the head of {@code store-7a2a76c.sql}).
 */
class StoreMigrationTest {
  private static final Properties TOKENS = load();

  @TempDir Path dir;

  @Test
  void aStoreWrittenByMainOpensOnH2WithItsTokensAndSettings() throws Exception {
    String url = TokenStores.h2Url(dir.resolve("store"));
    try (Connection connection = DriverManager.getConnection(url, "", "")) {
      applyFixture(connection);
    }
    try (ManagedGatehouse managed = ManagedGatehouse.builder(url).build()) {
      assertOldStoreWorks(managed);
    }
    try (Connection connection = DriverManager.getConnection(url, "", "")) {
      assertSchemaVersion(connection);
    }
  }

  @Test
  void aStoreWrittenByMainOpensOnPostgresWithItsTokensAndSettings() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      try (Connection connection = DriverManager.getConnection(url)) {
        applyFixture(connection);
      }
      try (ManagedGatehouse managed =
          ManagedGatehouse.builder(url).credentials("postgres", "").build()) {
        assertOldStoreWorks(managed);
      }
      try (Connection connection = DriverManager.getConnection(url)) {
        assertSchemaVersion(connection);
      }
    }
  }

  private static void assertOldStoreWorks(ManagedGatehouse managed) throws Exception {
    Gatehouse gatehouse = managed.gatehouse();

    Decision rw = decide(gatehouse, post("x-apikey", token("rw")), "127.0.0.1");
    Decision roReads = decide(gatehouse, get("x-apikey", token("ro")), "127.0.0.1");
    Decision roWrites = decide(gatehouse, post("x-apikey", token("ro")), "127.0.0.1");
    Decision admin =
        decide(gatehouse, get("Authorization", "Bearer " + token("admin")), "127.0.0.1");
    Decision gone = decide(gatehouse, get("x-apikey", token("gone")), "127.0.0.1");
    Decision turnedOld = decide(gatehouse, get("x-apikey", token("turned.old")), "127.0.0.1");
    Decision turnedNew = decide(gatehouse, get("x-apikey", token("turned.new")), "127.0.0.1");

    assertThat(rw.allowed()).as(rw.explain()).isTrue();
    assertThat(rw.identity()).extracting(i -> i.access()).isEqualTo(Access.READ_WRITE);
    assertThat(roReads.allowed()).as(roReads.explain()).isTrue();
    assertThat(roWrites.reason()).isEqualTo(Reason.INSUFFICIENT_ACCESS);
    assertThat(admin.allowed()).as(admin.explain()).isTrue();
    assertThat(Objects.requireNonNull(admin.identity()).permissions())
        .containsExactlyInAnyOrder("settings", "tokens");
    assertThat(gone.reason()).isEqualTo(Reason.REVOKED);
    assertThat(turnedOld.allowed()).as("rotated token, old secret in grace").isTrue();
    assertThat(turnedNew.allowed()).isTrue();

    // the settings: allow, deny, the HS issuer, trusted proxies
    Decision whitelisted = decide(gatehouse, get("x-apikey", token("rw")), "192.0.2.10");
    Decision denied = decide(gatehouse, get("x-apikey", token("rw")), "192.0.2.66");
    Decision elsewhere = decide(gatehouse, get("x-apikey", token("rw")), "203.0.113.9");
    Decision viaProxy =
        decide(
            gatehouse, get("x-apikey", token("rw"), "X-Forwarded-For", "192.0.2.66"), "10.1.2.3");
    Decision jwt = decide(gatehouse, get("Authorization", "Bearer " + hsJwt()), "127.0.0.1");

    assertThat(whitelisted.allowed()).as(whitelisted.explain()).isTrue();
    assertThat(denied.reason()).isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(elsewhere.reason()).isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(viaProxy.reason())
        .as("the proxy is trusted: XFF names the client")
        .isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(jwt.allowed()).as(jwt.explain()).isTrue();

    // every space with tokens or settings, and dev, is declared; the settings read back
    try (Management operator = managed.management("dev", Caller.operator())) {
      assertThat(operator.spaces().stream().map(Management.SpaceView::name))
          .containsExactly("dev", "prod", "staging");
      SpaceConfig dev = operator.settings();
      assertThat(dev.allow()).containsExactly("127.0.0.0/8", "192.0.2.0/24");
      assertThat(dev.deny()).containsExactly("192.0.2.66/32");
      assertThat(dev.issuers()).hasSize(2);
      assertThat(operator.tokens()).hasSize(5);
    }
    Decision prod = decide(gatehouse, get("x-apikey", token("prod")), "127.0.0.1");
    assertThat(prod.reason()).as("prod token in the dev pipeline").isNotNull();
  }

  private static void assertSchemaVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("select max(version) from gatehouse_space_settings_schema")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(SpaceSettingsStore.SCHEMA_VERSION);
    }
  }

  static void applyFixture(Connection connection) throws IOException, SQLException {
    String script;
    try (InputStream in =
        Objects.requireNonNull(
            StoreMigrationTest.class.getResourceAsStream("store-7a2a76c.sql"), "fixture")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Statement statement = connection.createStatement()) {
      for (String line : script.lines().toList()) {
        String sql = line.strip();
        if (sql.isEmpty() || sql.startsWith("--")) {
          continue;
        }
        statement.execute(sql.substring(0, sql.length() - 1)); // without the ';'
      }
    }
  }

  static String token(String name) {
    return Objects.requireNonNull(TOKENS.getProperty(name), name);
  }

  private static String hsJwt() throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer("fixture-hs");
    claims.setAudience("api");
    claims.setSubject("svc");
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(10);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKey(new HmacKey(token("hs.secret").getBytes(StandardCharsets.UTF_8)));
    return jws.getCompactSerialization();
  }

  private static AuthRequest.Builder get(String... headers) {
    return request("GET", headers);
  }

  private static AuthRequest.Builder post(String... headers) {
    return request("POST", headers);
  }

  private static AuthRequest.Builder request(String method, String... headers) {
    AuthRequest.Builder builder = AuthRequest.builder().method(method).path("/api/items");
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  private static Decision decide(Gatehouse gatehouse, AuthRequest.Builder request, String ip)
      throws Exception {
    return gatehouse
        .decide(
            request.remoteAddress(new InetSocketAddress(InetAddress.getByName(ip), 4000)).build())
        .toCompletableFuture()
        .get();
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in =
        Objects.requireNonNull(
            StoreMigrationTest.class.getResourceAsStream("store-7a2a76c.properties"), "tokens")) {
      properties.load(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return properties;
  }
}
