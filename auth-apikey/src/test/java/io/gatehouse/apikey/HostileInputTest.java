package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Step;
import io.gatehouse.testkit.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken credentials: each gets one precise reason, malformed ones cause no store I/O,
 * and neither the decision nor the logs ever contain the token.
 */
class HostileInputTest {
  private static final String VALID_SHAPE_UNKNOWN_ID =
      TokenCodec.newToken(TokenKind.API, "UnknownId0");

  private CountingStore store;
  private ApiKeys keys;
  private Gatehouse gatehouse;
  private CreatedToken known;

  @BeforeEach
  void open() {
    store = new CountingStore(TokenStores.inMemory());
    keys = ApiKeys.builder(store).build();
    gatehouse =
        Gatehouse.builder()
            .authenticator(keys.authenticator())
            .authenticator(keys.adminAuthenticator())
            .build();
    known = keys.create(NewToken.apiToken("default").build());
  }

  @AfterEach
  void close() {
    keys.close();
  }

  static Stream<Arguments> malformed() {
    String valid = TokenCodec.newToken(TokenKind.API, TokenCodec.newId());
    char last = valid.charAt(valid.length() - 1);
    String wrongChecksum = valid.substring(0, valid.length() - 1) + (last == 'a' ? 'b' : 'a');
    return Stream.of(
        Arguments.of("empty", "", "empty"),
        Arguments.of("blank", "   ", "empty"),
        Arguments.of("1 MB", "ghk_" + "A".repeat(1 << 20), "longer than"),
        Arguments.of("1 MB foreign", "x".repeat(1 << 20), "longer than"),
        Arguments.of("non-ASCII prefixed", "ghk_" + "ü".repeat(39), "characters"),
        Arguments.of("non-ASCII", "токен-токен-токен-токен", "not an API token"),
        Arguments.of("emoji", "ghk_😀😀😀", "length"),
        // 43 UTF-16 chars but 24 code points: once read as one byte per code point, it was short.
        Arguments.of("emoji, token length", "ghk_" + "😀".repeat(19) + "a", "characters"),
        Arguments.of("wrong checksum", wrongChecksum, "checksum"),
        Arguments.of("truncated", valid.substring(0, 30), "length"),
        Arguments.of("SQL injection", "' OR '1'='1' --", "not an API token"),
        Arguments.of("SQL in a token", "ghk_'; DROP TABLE gatehouse_tokens; --xxxxxxxx", "length"),
        Arguments.of("SQL same length", "ghk_x' OR 1=1_" + "-".repeat(29), "characters"),
        Arguments.of("CRLF", "ghk_abc\r\nX-Injected: yes", "length"),
        Arguments.of("NUL", "abcdefghijklmnop\u0000qrstuvwxyz", "not an API token"),
        Arguments.of(
            "admin token in API header",
            TokenCodec.newToken(TokenKind.ADMIN, "AdminId000"),
            "wrong prefix"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedTokensAreRefusedWithoutTouchingTheStore(String what, String token, String detail) {
    int before = store.calls();
    try (LogCapture logs = new LogCapture()) {
      Decision decision = decide(AuthRequest.builder().header("x-apikey", token));

      assertThat(decision.reason()).as(decision.explain()).isEqualTo(Reason.MALFORMED);
      assertThat(decision.status()).isEqualTo(401);
      assertThat(decision.detail()).contains(detail);
      assertThat(store.calls()).as("store calls").isEqualTo(before);
      assertThat(decision.challenges())
          .singleElement()
          .satisfies(c -> assertThat(c.params()).containsEntry("error", "invalid_token"));
      assertNoSecretIn(decision, logs.text(), token);
    }
  }

  @Test
  void aWellFormedTokenWithAnUnknownIdIsUnknownAndThenCachedAsUnknown() {
    int before = store.reads.get();
    try (LogCapture logs = new LogCapture()) {
      Decision first = decide(AuthRequest.builder().header("x-apikey", VALID_SHAPE_UNKNOWN_ID));
      Decision second = decide(AuthRequest.builder().header("x-apikey", VALID_SHAPE_UNKNOWN_ID));

      assertThat(first.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(second.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(store.reads.get() - before).as("one lookup, then the negative cache").isEqualTo(1);
      assertNoSecretIn(first, logs.text(), VALID_SHAPE_UNKNOWN_ID);
    }
  }

  @Test
  void managementLogsTheIdAndMaskedPrefixOnly() {
    try (LogCapture logs = new LogCapture()) {
      CreatedToken created = keys.create(NewToken.apiToken("default").build());
      keys.rotate(created.info().id(), java.time.Duration.ZERO);
      keys.revoke(created.info().id());

      assertThat(logs.text())
          .contains(created.info().id())
          .contains(created.info().maskedPrefix())
          .contains("token revoked")
          .doesNotContain(created.token())
          .doesNotContain(created.token().substring(TokenCodec.SECRET_START));
    }
  }

  @Test
  void aTypoInACachedTokenIsStillMalformed() {
    assertThat(decide(AuthRequest.builder().header("x-apikey", known.token())).allowed()).isTrue();
    String token = known.token();
    char last = token.charAt(token.length() - 1);
    String typo = token.substring(0, token.length() - 1) + (last == 'a' ? 'b' : 'a');
    int before = store.calls();

    Decision decision = decide(AuthRequest.builder().header("x-apikey", typo));

    assertThat(decision.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(decision.detail()).contains("checksum");
    assertThat(store.calls()).isEqualTo(before);
  }

  @Test
  void theRightIdWithTheWrongSecretIsUnknown() {
    String id = known.info().id();
    String forged = TokenCodec.newToken(TokenKind.API, id); // valid checksum, other secret
    Decision decision = decide(AuthRequest.builder().header("x-apikey", forged));

    assertThat(decision.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(decision.detail()).doesNotContain(id); // do not confirm the id exists
  }

  @Test
  void aHeaderSentTwiceIsMalformedEvenWhenBothCopiesAreValid() {
    int before = store.calls();
    Decision decision =
        decide(
            AuthRequest.builder()
                .header("x-apikey", known.token())
                .header("x-apikey", known.token()));

    assertThat(decision.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(decision.detail()).contains("more than one token");
    assertThat(store.calls()).isEqualTo(before);
  }

  @Test
  void twoAdminBearerTokensAreMalformed() {
    CreatedToken admin = keys.create(NewToken.adminToken("default").build());
    Decision decision =
        decide(
            AuthRequest.builder()
                .header("Authorization", "Bearer " + admin.token())
                .header("Authorization", "Bearer " + admin.token()));

    assertThat(decision.reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void surroundingWhitespaceIsTolerated() {
    Decision decision = decide(AuthRequest.builder().header("x-apikey", " " + known.token() + " "));
    assertThat(decision.allowed()).isTrue();
  }

  @Test
  void queryStringTokensAreOffByDefault() {
    Decision decision = decide(AuthRequest.builder().rawQuery("apikey=" + known.token()));

    assertThat(decision.reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
    assertThat(decision.challenges())
        .extracting(Challenge::scheme)
        .containsExactlyInAnyOrder("ApiKey", "Bearer");
  }

  @Test
  void queryStringTokensWhenEnabled() {
    Gatehouse withQuery =
        Gatehouse.builder()
            .authenticator(keys.apiTokenAuthenticator().queryParameter("apikey").build())
            .build();

    assertThat(
            decide(withQuery, AuthRequest.builder().rawQuery("a=1&apikey=" + known.token()))
                .allowed())
        .isTrue();
    assertThat(
            decide(
                    withQuery,
                    AuthRequest.builder()
                        .rawQuery("apikey=" + known.token())
                        .header("x-apikey", known.token()))
                .reason())
        .isEqualTo(Reason.MALFORMED);
    assertThat(
            decide(withQuery, AuthRequest.builder().rawQuery("apikey=x&apikey=" + known.token()))
                .reason())
        .isEqualTo(Reason.MALFORMED);
    assertThat(decide(withQuery, AuthRequest.builder().rawQuery("apikey=%zz")).reason())
        .isEqualTo(Reason.MALFORMED);
    assertThat(decide(withQuery, AuthRequest.builder().rawQuery("apikey")).reason())
        .isEqualTo(Reason.MALFORMED);
    String encoded = known.token().replace("_", "%5F");
    assertThat(decide(withQuery, AuthRequest.builder().rawQuery("apikey=" + encoded)).allowed())
        .isTrue();
  }

  @Test
  void foreignTokensAreMalformedWhenImportsAreDisabled() {
    try (ApiKeys strict = ApiKeys.builder(store).noImportedTokens().build()) {
      Gatehouse g = Gatehouse.builder().authenticator(strict.authenticator()).build();
      int before = store.calls();

      Decision decision =
          decide(
              g, AuthRequest.builder().header("x-apikey", "123e4567-e89b-12d3-a456-426614174000"));

      assertThat(decision.reason()).isEqualTo(Reason.MALFORMED);
      assertThat(store.calls()).isEqualTo(before);
    }
  }

  @Property(tries = 200)
  void arbitraryHeaderValuesGetAPreciseReasonAndNeverLeak(@ForAll String value) {
    open();
    try {
      int before = store.calls();
      Decision decision = decide(AuthRequest.builder().header("x-apikey", value));

      assertThat(decision.allowed()).isFalse();
      assertThat(decision.reason()).isIn(Reason.MALFORMED, Reason.UNKNOWN_CREDENTIAL);
      if (decision.reason() == Reason.MALFORMED) {
        assertThat(store.calls()).isEqualTo(before);
      }
      if (value.trim().length() >= 6) {
        assertThat(decision.explain()).doesNotContain(value.trim());
      }
    } finally {
      close();
    }
  }

  private Decision decide(AuthRequest.Builder request) {
    return decide(gatehouse, request);
  }

  private static Decision decide(Gatehouse gatehouse, AuthRequest.Builder request) {
    return ApiKeysTest.decide(gatehouse, request);
  }

  /** Neither the decision (detail, trace, challenges) nor the logs contain the token. */
  static void assertNoSecretIn(Decision decision, String logs, String token) {
    String trimmed = token.trim();
    if (trimmed.length() < 6) {
      return;
    }
    List<String> texts = new ArrayList<>();
    texts.add(decision.detail());
    texts.add(decision.explain());
    for (Step step : decision.trace()) {
      texts.add(step.detail());
    }
    for (Challenge challenge : decision.challenges()) {
      texts.add(challenge.render());
    }
    texts.add(logs);
    String secretPart =
        trimmed.length() > TokenCodec.SECRET_START
            ? trimmed.substring(TokenCodec.SECRET_START, Math.min(trimmed.length(), 40))
            : trimmed;
    for (String text : texts) {
      assertThat(text).doesNotContain(trimmed);
      if (secretPart.length() >= 6) {
        assertThat(text).doesNotContain(secretPart);
      }
    }
  }
}
