package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void reasonsMapToTheirStatusAndRfc6750Errors() {
    assertThat(Reason.MISSING_CREDENTIALS.status()).isEqualTo(401);
    assertThat(Reason.MISSING_CREDENTIALS.bearerError()).isNull();
    for (Reason reason :
        List.of(
            Reason.MALFORMED,
            Reason.UNKNOWN_CREDENTIAL,
            Reason.REVOKED,
            Reason.EXPIRED,
            Reason.BAD_SIGNATURE,
            Reason.BAD_CLAIMS)) {
      assertThat(reason.status()).as(reason.name()).isEqualTo(401);
      assertThat(reason.bearerError()).isEqualTo("invalid_token");
      assertThat(reason.isAuthenticationFailure()).isTrue();
    }
    assertThat(Reason.INSUFFICIENT_ACCESS.status()).isEqualTo(403);
    assertThat(Reason.INSUFFICIENT_ACCESS.bearerError()).isEqualTo("insufficient_scope");
    assertThat(Reason.ADDRESS_DENIED.status()).isEqualTo(403);
    assertThat(Reason.HOOK_DENIED.status()).isEqualTo(403);
    assertThat(Reason.UNAVAILABLE.status()).isEqualTo(503);
    assertThat(Reason.INTERNAL.status()).isEqualTo(500);
    assertThat(Reason.UNKNOWN_CREDENTIAL.code()).isEqualTo("unknown_credential");
  }

  @Test
  void challengesRenderQuotedAndRefuseHeaderInjection() {
    Challenge challenge =
        Challenge.bearer("a \"quoted\" \\ realm").with("scope", "read\r\nSet-Cookie: x=1");

    assertThat(challenge.render())
        .isEqualTo("Bearer realm=\"a \\\"quoted\\\" \\\\ realm\", scope=\"read??Set-Cookie: x=1\"");
    assertThat(challenge.withError(Reason.HOOK_DENIED, "x")).isEqualTo(challenge);
    assertThatThrownBy(() -> new Challenge("Bad Scheme", Map.of()))
        .hasMessage("challenge scheme is not an HTTP token: 'Bad Scheme'");
    assertThatThrownBy(() -> new Challenge("Bearer", Map.of("bad name", "v")))
        .hasMessage("challenge parameter is not an HTTP token: 'bad name'");
    assertThat(Challenge.apiKey("api", "x-apikey").toString())
        .isEqualTo("ApiKey realm=\"api\", header=\"x-apikey\"");
  }

  @Test
  void refusalsRenderAsProblemJson() {
    Decision decision =
        new Decision(
            false,
            503,
            null,
            Reason.UNAVAILABLE,
            "key source \"idp\" down\n\u0001",
            List.of(),
            Duration.ofMillis(1500),
            "dev",
            null,
            List.of());

    assertThat(Refusal.problemJson(decision, true))
        .isEqualTo(
            "{\"type\":\"https://gatehouse.dev/problems/unavailable\",\"title\":\"Service"
                + " Unavailable\",\"status\":503,\"code\":\"unavailable\",\"detail\":\"key source"
                + " \\\"idp\\\" down\\n\\u0001\"}");
    assertThat(Refusal.problemJson(decision, false)).doesNotContain("detail");
    assertThat(Refusal.retryAfter(decision)).isEqualTo("2");
    assertThat(Refusal.title(401)).isEqualTo("Unauthorized");
    assertThat(Refusal.title(403)).isEqualTo("Forbidden");
    assertThat(Refusal.title(500)).isEqualTo("Internal Server Error");
    assertThat(Refusal.title(418)).isEqualTo("Refused");
    StringBuilder escaped = new StringBuilder();
    Refusal.appendString(escaped, "tab\tcr\r\\\u2028");
    assertThat(escaped).hasToString("\"tab\\tcr\\r\\\\\\u2028\"");
  }

  @Test
  void decisionsAreConsistent() {
    assertThatThrownBy(
            () -> new Decision(true, 200, null, null, "", List.of(), null, "dev", null, List.of()))
        .hasMessage("an allowed decision needs an identity");
    assertThatThrownBy(
            () -> new Decision(false, 401, null, null, "", List.of(), null, "dev", null, List.of()))
        .hasMessage("an allowed decision has no reason; a refusal has one");
  }

  @Test
  void aBadRequestIsA400MalformedRefusalWithAnEmptyTrace() {
    Decision bad = Decision.badRequest("the request could not be parsed");
    assertThat(bad.allowed()).isFalse();
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(bad.detail()).isEqualTo("the request could not be parsed");
    assertThat(bad.challenges()).isEmpty();
    assertThat(bad.retryAfter()).isNull();
  }

  @Test
  void redactionKeepsAShortPrefixAndStripsControlCharacters() {
    assertThat(Redact.secret("ghk_abcdefghijklmnopqrstuvwxyz0123456789"))
        .isEqualTo("ghk_abcd…(40 chars)");
    assertThat(Redact.secret("short")).isEqualTo("s…(5 chars)");
    assertThat(Redact.secret("")).isEqualTo("…(0 chars)");
    assertThat(Redact.safe("line\r\nforged log ✓")).isEqualTo("line??forged log ?");
    assertThat(Redact.safe("x".repeat(500))).hasSize(Redact.MAX_SAFE_LENGTH + 12);
    assertThat(Redact.scrub("token abcdef and abc", List.of("abcdef", "abc")))
        .isEqualTo("token a…(6 chars) and abc");
  }

  @Test
  void identitiesCopyTheirCollectionsAndValidate() {
    Identity identity =
        Identity.builder("svc", "admintoken", "dev")
            .access(Access.ADMIN)
            .permissions(Set.of("deploy", "backup"))
            .claims(Map.of("team", "ops"))
            .credentialId("tok_123")
            .expiresAt(Instant.parse("2030-01-01T00:00:00Z"))
            .build();

    assertThat(identity.hasPermission("deploy")).isTrue();
    assertThat(identity.hasPermission("restore")).isFalse();
    assertThat(identity.permissions()).containsExactly("backup", "deploy");
    assertThat(identity.withAccess(Access.READ).access()).isEqualTo(Access.READ);
    assertThat(identity.withClaims(Map.of("x", 1)).claims()).containsKeys("team", "x");
    assertThatThrownBy(() -> Identity.builder(" ", "m", "dev").build())
        .hasMessage("identity subject must not be blank");
    assertThat(Permissions.requireValid("createindex")).isEqualTo("createindex");
    assertThat(Permissions.STANDARD).hasSize(9).contains(Permissions.QUERY);
    assertThatThrownBy(() -> Permissions.requireValid("Drop Table"))
        .hasMessageStartingWith("invalid permission name 'Drop Table'");
    assertThat(Permissions.isValid("read:items")).isTrue();
    assertThat(Permissions.isValid("FACTOR_OTT")).isFalse();
    assertThat(Permissions.isValid("Deploy")).isFalse();
    assertThat(Permissions.isValid("")).isFalse();
  }

  @Test
  void accessByMethod() {
    assertThat(Access.READ.permitsMethod("get")).isTrue();
    assertThat(Access.READ.permitsMethod("POST")).isFalse();
    assertThat(Access.READ_WRITE.permitsMethod("DELETE")).isTrue();
    assertThat(Access.ADMIN.permitsMethod("PUT")).isTrue();
  }

  @Test
  void settingsAreImmutableSnapshotsPerSpace() {
    SettingKey<Integer> limit = SettingKey.of("test.limit", 10);
    Settings empty = Settings.empty();
    Settings one = empty.with("dev", limit, 20);
    Settings two = one.with("prod", limit, 30);

    assertThat(empty.get("dev", limit)).isEqualTo(10);
    assertThat(one.get("dev", limit)).isEqualTo(20);
    assertThat(one.get("prod", limit)).isEqualTo(10);
    assertThat(two.spaces()).containsExactly("dev", "prod");
    assertThat(two.version()).isGreaterThan(one.version());
    assertThat(two.without("dev", limit).get("dev", limit)).isEqualTo(10);
    assertThat(two.without("nowhere", limit)).isSameAs(two);
    assertThat(limit.name()).isEqualTo("test.limit");
    assertThat(limit).hasToString("test.limit");
    assertThat(two.toString()).contains("dev", "prod");
    assertThatThrownBy(() -> empty.with("bad space", limit, 1))
        .hasMessageStartingWith("invalid space name 'bad space'");
  }

  @Test
  void theHolderSwapsAndNotifiesEvenWhenASubscriberFails() {
    SettingKey<String> key = SettingKey.of("test.key", "a");
    SettingsHolder holder = new SettingsHolder();
    AtomicReference<Settings> seen = new AtomicReference<>();
    holder.subscribe(
        s -> {
          throw new IllegalStateException("subscriber bug");
        });
    holder.subscribe(seen::set);

    Settings next = holder.update(s -> s.with("dev", key, "b"));

    assertThat(holder.get()).isSameAs(next);
    assertThat(seen.get()).isSameAs(next);
    assertThat(holder.get().get("dev", key)).isEqualTo("b");
  }

  @Test
  void requestsMatchHeadersCaseInsensitivelyAndHideValues() throws Exception {
    AuthRequest request =
        AuthRequest.builder()
            .method("POST")
            .path("/x")
            .rawQuery("a=1")
            .header("X-ApiKey", "first")
            .header("x-apikey", "second")
            .remoteAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
            .build();

    assertThat(request.headers("X-APIKEY")).containsExactly("first", "second");
    assertThat(request.header("x-apikey")).isEqualTo("first");
    assertThat(request.header("missing")).isNull();
    assertThat(request.rawQuery()).isEqualTo("a=1");
    assertThat(request.toString()).doesNotContain("first").contains("POST /x");
  }

  @Test
  void listenersReceiveEventsAndSurviveFailures() {
    AtomicReference<AuthEvent> seen = new AtomicReference<>();
    AuthListener failing =
        new AuthListener() {
          @Override
          public void onEvent(AuthEvent event) {
            throw new IllegalStateException();
          }
        };
    AuthListener recording =
        new AuthListener() {
          @Override
          public void onEvent(AuthEvent event) {
            seen.set(event);
          }
        };
    AuthEvent event =
        new AuthEvent("jwks.fetch", "dev", "fetched", Map.of("kid", "k1"), Instant.EPOCH);

    AuthListener.all(List.of(failing, recording)).onEvent(event);
    AuthListener.safe(failing).onEvent(event);
    AuthListener.NONE.onEvent(event);

    assertThat(seen.get()).isEqualTo(event);
  }

  @Test
  void addressResultsNeedExactlyOneOutcome() throws Exception {
    InetAddress address = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
    assertThat(AddressResolution.resolved(address, "peer").address()).isEqualTo(address);
    assertThat(AddressResolution.refused(Reason.ADDRESS_DENIED, "bad").reason())
        .isEqualTo(Reason.ADDRESS_DENIED);
    assertThatThrownBy(() -> new AddressResolution(null, null, "x"))
        .hasMessage("exactly one of address and reason must be set");
    assertThat(AddressVerdict.deny("rule").allowed()).isFalse();
  }
}
