package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The token lifecycle through the manager and the pipeline, on every store. */
class ApiKeysTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private ApiKeys keys;
  private Gatehouse gatehouse;

  @AfterEach
  void close() {
    if (keys != null) {
      keys.close();
    }
  }

  private void open(StoreKind kind) {
    keys =
        ApiKeys.builder(kind.create(dir, clock))
            .clock(clock)
            .listener(
                new AuthListener() {
                  @Override
                  public void onEvent(AuthEvent event) {
                    events.add(event);
                  }
                })
            .build();
    gatehouse =
        Gatehouse.builder()
            .spaceResolver(SpaceResolver.fromHeader("x-space", "default"))
            .authenticator(keys.authenticator())
            .authenticator(keys.adminAuthenticator())
            .clock(clock)
            .build();
  }

  private Decision get(String header, String value) {
    return decide(AuthRequest.builder().method("GET").path("/items").header(header, value));
  }

  static Decision decide(Gatehouse gatehouse, AuthRequest.Builder request) {
    try {
      return gatehouse.decide(request.build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Decision decide(AuthRequest.Builder request) {
    return decide(gatehouse, request);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void createdTokensAuthenticateAndAreListedMasked(StoreKind kind) {
    open(kind);
    CreatedToken created = keys.create(NewToken.apiToken("default").readOnly().name("ci").build());

    Decision decision = get("x-apikey", created.token());

    assertThat(decision.allowed()).as(decision.explain()).isTrue();
    Identity identity = decision.identity();
    assertThat(identity.subject()).isEqualTo(created.info().id());
    assertThat(identity.method()).isEqualTo("apikey");
    assertThat(identity.access()).isEqualTo(Access.READ);
    assertThat(identity.credentialId()).isEqualTo(created.info().id());
    assertThat(identity.claims()).containsEntry("token_name", "ci");
    assertThat(created.toString()).doesNotContain(created.token());

    List<TokenInfo> listed = keys.list("default");
    assertThat(listed)
        .singleElement()
        .satisfies(
            info -> {
              assertThat(info.maskedPrefix()).isEqualTo("ghk_" + info.id() + "_****");
              assertThat(info.toString()).doesNotContain(created.token().substring(15));
              assertThat(info.status(clock.instant())).isEqualTo(TokenInfo.Status.ACTIVE);
            });
    assertThat(keys.find(created.token())).contains(listed.get(0));
    assertThat(keys.find(created.info().id())).contains(listed.get(0));
    assertThat(events)
        .extracting(AuthEvent::type)
        .filteredOn(type -> !type.equals("apikey.change_arrived")) // shared stores: timing varies
        .containsExactly("apikey.created", "apikey.cache_miss");
    // The first event other than a change arrival (which may come first on a shared store).
    assertThat(
            events.stream()
                .filter(e -> !e.type().equals("apikey.change_arrived"))
                .findFirst()
                .orElseThrow()
                .attributes())
        .containsEntry("id", created.info().id());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void revokedTokensAreRefusedAsRevoked(StoreKind kind) {
    open(kind);
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    assertThat(get("x-apikey", created.token()).allowed()).isTrue(); // now cached

    assertThat(keys.revoke(created.info().id()))
        .hasValueSatisfying(i -> assertThat(i.revokedAt()).isNotNull());
    Decision decision = get("x-apikey", created.token());

    assertThat(decision.reason()).isEqualTo(Reason.REVOKED);
    assertThat(decision.status()).isEqualTo(401);
    assertThat(keys.find(created.info().id()).orElseThrow().status(clock.instant()))
        .isEqualTo(TokenInfo.Status.REVOKED);
    assertThat(keys.revoke(created.token())).isPresent(); // revoking twice is harmless
    assertThat(keys.revoke("zzzzzzzzzz")).isEmpty();
    assertThatThrownBy(() -> keys.revoke("not a token!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a token id nor a token");
    // Ten chars with a surrogate pair: was an ArrayIndexOutOfBoundsException (found by fuzzing).
    assertThatThrownBy(() -> keys.revoke("Ab\uD83D\uDE00cdefgh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither a token id nor a token");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void tokensExpire(StoreKind kind) {
    open(kind);
    CreatedToken created =
        keys.create(NewToken.apiToken("default").expiresIn(Duration.ofDays(30)).build());
    assertThat(get("x-apikey", created.token()).allowed()).isTrue();

    clock.advance(Duration.ofDays(30));
    Decision decision = get("x-apikey", created.token());

    assertThat(decision.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(keys.list("default").get(0).status(clock.instant()))
        .isEqualTo(TokenInfo.Status.EXPIRED);
  }

  @Test
  void theReplacedSecretsIdentitySaysWhenItsGraceEndsAndTheCurrentSecretsNeverDoes() {
    open(StoreKind.MEMORY);
    CreatedToken original = keys.create(NewToken.adminToken("default").name("ops").build());
    CreatedToken rotated = keys.rotate(original.info().id(), Duration.ofHours(1));
    String graceEnd = clock.instant().plus(Duration.ofHours(1)).toString();

    // The current secret first: its outcome is cached, and must not leak into the old one's.
    Identity current = decide(adminRequest(rotated.token())).identity();
    Identity replaced = decide(adminRequest(original.token())).identity();
    Identity currentAgain = decide(adminRequest(rotated.token())).identity();

    assertThat(replaced.claims()).containsEntry("token_grace_until", graceEnd);
    assertThat(current.claims()).doesNotContainKey("token_grace_until");
    assertThat(currentAgain.claims()).doesNotContainKey("token_grace_until");
    assertThat(replaced.expiresAt()).isEqualTo(current.expiresAt());
  }

  private static AuthRequest.Builder adminRequest(String token) {
    return AuthRequest.builder()
        .method("GET")
        .path("/x")
        .header("authorization", "Bearer " + token);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void rotationKeepsTheOldSecretForTheGracePeriodOnly(StoreKind kind) {
    open(kind);
    CreatedToken original = keys.create(NewToken.apiToken("default").name("svc").build());
    assertThat(get("x-apikey", original.token()).allowed()).isTrue();

    CreatedToken rotated = keys.rotate(original.info().id(), Duration.ofHours(24));

    assertThat(rotated.token()).isNotEqualTo(original.token());
    assertThat(rotated.info().id()).isEqualTo(original.info().id());
    assertThat(rotated.info().name()).isEqualTo("svc");
    assertThat(rotated.info().previousSecretValidUntil())
        .isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    assertThat(get("x-apikey", rotated.token()).allowed()).isTrue();
    assertThat(get("x-apikey", original.token()).allowed()).isTrue();

    clock.advance(Duration.ofHours(24));
    assertThat(get("x-apikey", rotated.token()).allowed()).isTrue();
    Decision old = get("x-apikey", original.token());
    assertThat(old.reason()).isEqualTo(Reason.REVOKED);
    assertThat(old.detail()).contains("rotated");

    CreatedToken again = keys.rotate(original.info().id(), Duration.ZERO);
    assertThat(get("x-apikey", rotated.token()).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(get("x-apikey", again.token()).allowed()).isTrue();

    assertThatThrownBy(() -> keys.rotate("zzzzzzzzzz", Duration.ZERO))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> keys.rotate(original.info().id(), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    keys.revoke(original.info().id());
    assertThatThrownBy(() -> keys.rotate(original.info().id(), Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("revoked");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void importedForeignTokensKeepWorking(StoreKind kind) {
    open(kind);
    String uuid = "123e4567-e89b-12d3-a456-426614174000";

    TokenInfo imported = keys.importToken(uuid, NewToken.apiToken("default").readOnly().build());

    assertThat(imported.imported()).isTrue();
    assertThat(imported.maskedPrefix()).isEqualTo("123e****");
    Decision decision = get("x-apikey", uuid);
    assertThat(decision.allowed()).as(decision.explain()).isTrue();
    assertThat(decision.identity().credentialId()).isEqualTo(imported.id());
    assertThat(get("x-apikey", "123e4567-e89b-12d3-a456-426614174001").reason())
        .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThatThrownBy(() -> keys.importToken(uuid, NewToken.apiToken("default").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already stored")
        .hasMessageNotContaining(uuid);
    assertThatThrownBy(() -> keys.importToken("short", NewToken.apiToken("default").build()))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(keys.revoke(uuid)).isPresent();
    assertThat(get("x-apikey", uuid).reason()).isEqualTo(Reason.REVOKED);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void gatehouseTokensCanBeImportedIntoAnotherStore(StoreKind kind) {
    open(kind);
    String token;
    try (ApiKeys elsewhere = ApiKeys.builder(TokenStores.inMemory()).build()) {
      token = elsewhere.create(NewToken.apiToken("default").build()).token();
    }
    TokenInfo info = keys.importToken(token, NewToken.apiToken("default").build());

    assertThat(info.id()).isEqualTo(TokenCodec.idOf(token));
    assertThat(info.imported()).isFalse();
    assertThat(get("x-apikey", token).allowed()).isTrue();
    assertThatThrownBy(() -> keys.importToken(token, NewToken.adminToken("default").build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void adminTokensCarryOwnerAndPermissions(StoreKind kind) {
    open(kind);
    CreatedToken admin =
        keys.create(
            NewToken.adminToken("default")
                .owner("team:ops")
                .permissions(List.of("deploy", "backup"))
                .build());

    Decision decision = get("Authorization", "Bearer " + admin.token());

    assertThat(decision.allowed()).as(decision.explain()).isTrue();
    assertThat(decision.identity().subject()).isEqualTo("team:ops");
    assertThat(decision.identity().method()).isEqualTo("admintoken");
    assertThat(decision.identity().access()).isEqualTo(Access.ADMIN);
    assertThat(decision.identity().permissions()).containsExactly("backup", "deploy");
    assertThat(decision.identity().credentialId()).isEqualTo(admin.info().id());
    // An admin token in the API-token header is the wrong kind: refused without a lookup.
    assertThat(get("x-apikey", admin.token()).reason()).isEqualTo(Reason.MALFORMED);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenOfOneSpaceIsUnknownInAnother(StoreKind kind) {
    open(kind);
    CreatedToken a = keys.create(NewToken.apiToken("tenant-a").build());

    Decision inA =
        decide(AuthRequest.builder().header("x-space", "tenant-a").header("x-apikey", a.token()));
    Decision inB =
        decide(AuthRequest.builder().header("x-space", "tenant-b").header("x-apikey", a.token()));

    assertThat(inA.allowed()).isTrue();
    assertThat(inA.identity().space()).isEqualTo("tenant-a");
    assertThat(inB.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(keys.list("tenant-b")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void pepperedHashesOnlyMatchWithThePepper(StoreKind kind) {
    byte[] pepper =
        "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    TokenStore store = kind.create(dir, clock);
    keys = ApiKeys.builder(store).pepper(pepper).clock(clock).build();
    gatehouse = Gatehouse.builder().authenticator(keys.authenticator()).clock(clock).build();
    CreatedToken created = keys.create(NewToken.apiToken("default").build());

    assertThat(get("x-apikey", created.token()).allowed()).isTrue();
    TokenRecord stored = store.findById(created.info().id()).orElseThrow();
    assertThat(stored.hash()).isNotEqualTo(new Hasher(null).hash(created.token()));
    assertThat(stored.hash()).isEqualTo(new Hasher(pepper).hash(created.token()));
  }

  @org.junit.jupiter.api.Test
  void specsAndBuildersRejectNonsenseWithClearMessages() {
    assertThatThrownBy(() -> NewToken.apiToken("bad space").build())
        .hasMessageContaining("invalid space name");
    assertThatThrownBy(() -> NewToken.apiToken("default").permission("deploy").build())
        .hasMessageContaining("only admin tokens carry permissions");
    assertThatThrownBy(() -> NewToken.apiToken("default").access(Access.ADMIN).build())
        .hasMessageContaining("admin token");
    assertThatThrownBy(() -> NewToken.adminToken("default").access(Access.READ).build())
        .hasMessageContaining("ADMIN");
    assertThatThrownBy(() -> NewToken.adminToken("default").permission("Deploy!").build())
        .hasMessageContaining("invalid permission name");
    assertThatThrownBy(() -> NewToken.apiToken("default").expiresIn(Duration.ZERO).build())
        .hasMessageContaining("expiresIn must be positive");
    assertThatThrownBy(() -> NewToken.apiToken("default").name("a\nb").build())
        .hasMessageContaining("control character");
    assertThatThrownBy(() -> NewToken.apiToken("default").name("x".repeat(201)).build())
        .hasMessageContaining("longer than 200");
    assertThatThrownBy(
            () ->
                NewToken.apiToken("default")
                    .expiresIn(Duration.ofDays(1))
                    .expiresAt(java.time.Instant.EPOCH)
                    .build())
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> ApiKeys.builder(TokenStores.inMemory()).pepper(new byte[8]))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> ApiKeys.builder(TokenStores.inMemory()).cacheSize(0))
        .hasMessageContaining("cacheSize");
    assertThatThrownBy(
            () -> ApiKeys.builder(TokenStores.inMemory()).negativeCacheTtl(Duration.ZERO))
        .hasMessageContaining("negativeCacheTtl");
    assertThatThrownBy(() -> ApiKeys.builder(TokenStores.inMemory()).ioThreads(0, 10))
        .hasMessageContaining("ioThreads");
    assertThatThrownBy(() -> TokenStores.jdbc().build()).hasMessageContaining("needs a url");
    assertThatThrownBy(() -> TokenStores.jdbc().url("h2:mem", "", ""))
        .hasMessageContaining("jdbc:");
    assertThatThrownBy(() -> TokenStores.jdbc().pollInterval(Duration.ofHours(1)))
        .hasMessageContaining("pollInterval");
    try (ApiKeys k = ApiKeys.builder(TokenStores.inMemory()).build()) {
      assertThatThrownBy(() -> k.apiTokenAuthenticator().header("bad header"))
          .hasMessageContaining("invalid header name");
      assertThatThrownBy(() -> k.apiTokenAuthenticator().queryParameter(""))
          .hasMessageContaining("invalid query parameter");
      assertThatThrownBy(() -> k.apiTokenAuthenticator().id("a b"))
          .hasMessageContaining("invalid authenticator id");
    }
    assertThat(Set.of(TokenKind.API.prefix(), TokenKind.ADMIN.prefix()))
        .containsExactlyInAnyOrder("ghk_", "gha_");
  }
}
