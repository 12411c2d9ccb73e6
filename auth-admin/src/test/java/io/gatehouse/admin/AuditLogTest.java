package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, the audit log: every management operation appends one entry with its outcome, the
 * SHA-256 chain verifies, and an edited, deleted or reordered row is named; no secret or whole
 * token is ever in an entry.
 */
class AuditLogTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final Pattern WHOLE_TOKEN = Pattern.compile("gh[ka]_[A-Za-z0-9_-]{12,}");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private String url;
  private AdminStore store;
  private Management operator;

  @BeforeEach
  void open() {
    url = "jdbc:h2:mem:audit" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    store = AdminStore.builder(url).clock(clock).open();
    operator = store.management("dev", Caller.operator());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void theChainVerifiesAfterASeriesOfOperations() {
    runEveryOperation();

    List<AuditEntry> entries = store.audit().since(Instant.EPOCH);
    assertThat(entries)
        .extracting(AuditEntry::action)
        .containsExactly(
            "create-token",
            "create-token",
            "import-token",
            "rotate-token",
            "revoke-token",
            "set-issuer",
            "set-issuer",
            "remove-issuer",
            "allow",
            "remove-allowed",
            "deny",
            "remove-denied",
            "trust-proxies");
    assertThat(entries).allSatisfy(entry -> assertThat(entry.outcome()).isEqualTo(AuditLog.OK));
    assertThat(entries).extracting(AuditEntry::seq).containsExactly(rangeTo(13));
    assertThat(entries.get(0).prevHash()).isEqualTo(AuditLog.GENESIS);
    assertThat(entries.get(0).actor()).startsWith("operator");
    assertThat(entries.get(0).clientAddress()).isEqualTo("local");
    assertThat(entries.get(8).target()).isEqualTo("192.0.2.0/24");
    assertThat(entries.get(12).detail()).isEqualTo("hops 1");

    AuditLog.Verification verification = store.audit().verify();
    assertThat(verification.ok()).isTrue();
    assertThat(verification.entries()).isEqualTo(13);
    assertThat(verification.message()).isEqualTo("audit chain verified: 13 entries");
  }

  @Test
  void theHashIsTheDocumentedCanonicalEncodingSoAnAuditorCanRecomputeIt() throws Exception {
    operator.allow(List.of("192.0.2.0/24"));
    AuditEntry entry = store.audit().since(Instant.EPOCH).get(0);

    String canonical =
        "gatehouse-audit-v1\n"
            + field("1")
            + field(Long.toString(entry.at().toEpochMilli()))
            + field("dev")
            + field(entry.actor())
            + field("allow")
            + field("192.0.2.0/24")
            + field("local")
            + field("ok")
            + field("")
            + field("0".repeat(64));
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    assertThat(entry.hash()).isEqualTo(HexFormat.of().formatHex(digest));
  }

  @Test
  void entriesSinceAnInstantLeaveOutOlderOnes() {
    operator.allow(List.of("192.0.2.1"));
    clock.advance(Duration.ofHours(25));
    operator.allow(List.of("192.0.2.2"));

    List<AuditEntry> recent = store.audit().since(clock.instant().minus(Duration.ofHours(24)));

    assertThat(recent).extracting(AuditEntry::target).containsExactly("192.0.2.2");
    assertThat(recent.get(0).at()).isEqualTo(clock.instant());
  }

  @Test
  void verifyNamesAnEditedRow() throws SQLException {
    runEveryOperation();

    sql("update gatehouse_audit set actor = 'someone else' where seq = 5");

    AuditLog.Verification verification = store.audit().verify();
    assertThat(verification.ok()).isFalse();
    assertThat(verification.badSeq()).isEqualTo(5L);
    assertThat(verification.problem()).isEqualTo(AuditLog.Problem.EDITED);
    assertThat(verification.message()).contains("entry 5 was edited");
  }

  @Test
  void verifyNamesAnEditedRowWhoseHashWasRecomputed() throws SQLException {
    runEveryOperation();
    AuditEntry fifth = store.audit().since(Instant.EPOCH).get(4);
    AuditEntry forged =
        new AuditEntry(
            5,
            fifth.at(),
            fifth.space(),
            "someone else",
            fifth.action(),
            fifth.target(),
            fifth.clientAddress(),
            fifth.outcome(),
            fifth.detail(),
            fifth.prevHash(),
            "");

    sql(
        "update gatehouse_audit set actor = 'someone else', hash = '"
            + AuditLog.hashOf(forged)
            + "' where seq = 5");

    AuditLog.Verification verification = store.audit().verify();
    assertThat(verification.badSeq()).isEqualTo(5L);
    assertThat(verification.problem()).isEqualTo(AuditLog.Problem.EDITED);
    assertThat(verification.message()).contains("entry 6 recorded a different hash");
  }

  @Test
  void verifyNamesADeletedRowInTheMiddle() throws SQLException {
    runEveryOperation();

    sql("delete from gatehouse_audit where seq = 7");

    AuditLog.Verification verification = store.audit().verify();
    assertThat(verification.ok()).isFalse();
    assertThat(verification.badSeq()).isEqualTo(7L);
    assertThat(verification.problem()).isEqualTo(AuditLog.Problem.MISSING);
    assertThat(verification.message()).isEqualTo("entry 7 is missing: the entry after 6 is 8");
  }

  @Test
  void verifyNamesAReorderedPair() throws SQLException {
    runEveryOperation();

    sql("update gatehouse_audit set seq = -1 where seq = 4");
    sql("update gatehouse_audit set seq = 4 where seq = 5");
    sql("update gatehouse_audit set seq = 5 where seq = -1");

    AuditLog.Verification verification = store.audit().verify();
    assertThat(verification.ok()).isFalse();
    assertThat(verification.badSeq()).isEqualTo(4L);
    assertThat(verification.problem()).isEqualTo(AuditLog.Problem.OUT_OF_ORDER);
    assertThat(verification.message()).contains("entry 4 is out of order: it follows entry 5");
  }

  @Test
  void aRefusedOperationIsRecordedWithItsActorAndAddress() {
    Caller settingsOnly =
        new Caller("admin token abc123defg", Set.of(AdminRules.SETTINGS), false, "203.0.113.7");
    Management weak = store.management("dev", settingsOnly);

    assertThatThrownBy(
            () ->
                weak.createToken(
                    new Management.TokenRequest(
                        true, false, "root", null, List.of(AdminRules.MANAGE), null)))
        .isInstanceOf(PermissionDenied.class);
    assertThatThrownBy(() -> weak.audit(Instant.EPOCH)).isInstanceOf(PermissionDenied.class);

    List<AuditEntry> entries = store.audit().since(Instant.EPOCH);
    assertThat(entries).hasSize(2);
    AuditEntry refused = entries.get(0);
    assertThat(refused.outcome()).isEqualTo(AuditLog.REFUSED);
    assertThat(refused.action()).isEqualTo("create-token");
    assertThat(refused.actor()).isEqualTo("admin token abc123defg");
    assertThat(refused.clientAddress()).isEqualTo("203.0.113.7");
    assertThat(refused.detail()).contains("may not manage tokens");
    assertThat(entries.get(1).action()).isEqualTo("read-audit");
    assertThat(entries.get(1).outcome()).isEqualTo(AuditLog.REFUSED);
    assertThat(store.audit().verify().ok()).isTrue();
  }

  @Test
  void notFoundAndBadArgumentsAreRecordedWithTheirOutcome() {
    assertThat(operator.revoke("nosuchtok1")).isEmpty();
    assertThatThrownBy(() -> operator.rotate("nosuchtok2", Duration.ZERO))
        .isInstanceOf(AdminException.class);
    assertThatThrownBy(() -> operator.allow(List.of("not-an-address")))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.audit().since(Instant.EPOCH))
        .extracting(AuditEntry::action, AuditEntry::target, AuditEntry::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("revoke-token", "nosuchtok1", AuditLog.NOT_FOUND),
            org.assertj.core.groups.Tuple.tuple("rotate-token", "nosuchtok2", AuditLog.NOT_FOUND),
            org.assertj.core.groups.Tuple.tuple("allow", "not-an-address", AuditLog.FAILED));
  }

  @Test
  void readsAndDryRunsThatAreAllowedAddNoEntry() {
    operator.tokens();
    operator.settings();
    operator.audit(Instant.EPOCH);
    operator.verifyAudit();

    assertThat(store.audit().since(Instant.EPOCH)).isEmpty();
  }

  @Test
  void noSecretOrWholeTokenInAnyEntry() {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (i * 7 + 3);
    }
    String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    List<String> tokens = new java.util.ArrayList<>();
    Management.CreatedTokenView api = operator.createToken(apiToken("api"));
    tokens.add(api.token());
    Management.CreatedTokenView admin =
        operator.createToken(
            new Management.TokenRequest(
                true, false, "ops", "team:ops", List.of(AdminRules.TOKENS), null));
    tokens.add(admin.token());
    tokens.add(operator.rotate(api.info().id(), Duration.ofHours(1)).token());
    Management.CreatedTokenView spare = operator.createToken(apiToken("spare"));
    tokens.add(spare.token());
    operator.revoke(spare.token()); // revoked by its whole text
    String foreign;
    try (AdminStore other =
        AdminStore.builder("jdbc:h2:mem:other" + DATABASES.incrementAndGet()).open()) {
      foreign = other.management("dev", Caller.operator()).createToken(apiToken("x")).token();
    }
    tokens.add(foreign);
    operator.importToken(foreign, false, "imported");
    operator.setIssuer(SpaceConfig.Issuer.hmac("hs", key, List.of("api"), false, List.of()));
    tokens.add(operator.rotate(tokens.get(2), Duration.ZERO).token()); // named by its text
    Management weak =
        store.management("dev", new Caller("admin token x", Set.of(), false, "198.51.100.1"));
    assertThatThrownBy(() -> weak.revoke(admin.token())).isInstanceOf(PermissionDenied.class);

    List<AuditEntry> entries = store.audit().since(Instant.EPOCH);
    assertThat(entries).hasSize(9);
    for (AuditEntry entry : entries) {
      String text = entry.toJson().toString() + entry.describe();
      assertThat(WHOLE_TOKEN.matcher(text).find()).as(text).isFalse();
      for (String token : tokens) {
        assertThat(text).doesNotContain(token).doesNotContain(token.substring(4, 20));
      }
      assertThat(text).doesNotContain(secret).doesNotContain(secret.substring(0, 12));
    }
    AuditEntry hs = entries.get(6);
    assertThat(hs.detail()).contains("fingerprint");
    assertThat(entries.get(4).target()).isEqualTo(spare.info().id()); // revoked: its id
    assertThat(entries.get(7).target()).isEqualTo(api.info().id());
    assertThat(entries.get(8).outcome()).isEqualTo(AuditLog.REFUSED);
  }

  /** 13 operations, each kind once (two token creations, two issuers). */
  private void runEveryOperation() {
    Management.CreatedTokenView api = operator.createToken(apiToken("api"));
    operator.createToken(
        new Management.TokenRequest(
            true, false, "ops", null, List.of(AdminRules.SETTINGS), Duration.ofDays(30)));
    operator.importToken("123e4567-e89b-12d3-a456-426614174000", true, "old");
    operator.rotate(api.info().id(), Duration.ofHours(24));
    operator.revoke(api.info().id());
    operator.setIssuer(
        SpaceConfig.Issuer.jwks(
            "https://issuer.example",
            "https://issuer.example/jwks",
            List.of("api"),
            false,
            List.of()));
    operator.setIssuer(
        SpaceConfig.Issuer.hmac("hs", new byte[32], List.of("api"), false, List.of()));
    operator.removeIssuer("hs");
    operator.allow(List.of("192.0.2.0/24"));
    operator.removeAllowed(List.of("192.0.2.0/24"));
    operator.deny(List.of("198.51.100.7"));
    operator.removeDenied(List.of("198.51.100.7"));
    operator.trustProxies(new SpaceConfig.Proxies(List.of("10.0.0.0/8"), 1));
    clock.advance(Duration.ofSeconds(1));
  }

  private static Management.TokenRequest apiToken(String name) {
    return new Management.TokenRequest(false, false, name, null, List.of(), null);
  }

  private static Long[] rangeTo(int last) {
    Long[] seqs = new Long[last];
    for (int i = 0; i < last; i++) {
      seqs[i] = (long) i + 1;
    }
    return seqs;
  }

  private static String field(String value) {
    return value.getBytes(StandardCharsets.UTF_8).length + ":" + value + "\n";
  }

  private void sql(String statement) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement update = connection.createStatement()) {
      update.execute(statement);
    }
  }
}
