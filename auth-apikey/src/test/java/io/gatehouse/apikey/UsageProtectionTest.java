package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import io.gatehouse.testkit.MutableClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Issue 14 in the token module: store reads in flight per address, and origins per token. */
class UsageProtectionTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final ManualExecutor io = new ManualExecutor();
  private ApiKeys keys;

  @AfterEach
  void close() {
    if (keys != null) {
      io.runAll();
      keys.close();
    }
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static AuthRequest from(String client, String token, String... headers) {
    AuthRequest.Builder request =
        AuthRequest.builder()
            .method("GET")
            .path("/items")
            .header("x-apikey", token)
            .remoteAddress(ip(client));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.build();
  }

  @Test
  void oneAddressHasAtMostFourStoreReadsInFlightAndOthersStillGetTheirs() {
    keys = ApiKeys.builder(TokenStores.inMemory()).clock(clock).ioExecutor(io).build();
    Gatehouse gatehouse = Gatehouse.builder().authenticator(keys.authenticator()).build();
    List<String> random = new ArrayList<>();
    try (ApiKeys elsewhere = ApiKeys.builder(TokenStores.inMemory()).build()) {
      for (int i = 0; i < 10; i++) {
        random.add(elsewhere.create(NewToken.apiToken("default").build()).token());
      }
    }

    List<CompletableFuture<Decision>> flood = new ArrayList<>();
    for (String token : random) {
      flood.add(gatehouse.decide(from("203.0.113.9", token)).toCompletableFuture());
    }
    // An IPv6 client inside the flooder's /64 shares its cap; another /64 has its own.
    CompletableFuture<Decision> sameSlash64 =
        gatehouse.decide(from("2001:db8:0:1::1", random.get(0))).toCompletableFuture();
    for (int i = 0; i < 4; i++) {
      var unused = gatehouse.decide(from("2001:db8:0:1::" + (i + 2), random.get(i)));
    }
    CompletableFuture<Decision> otherSlash64 =
        gatehouse.decide(from("2001:db8:0:2::1", random.get(1))).toCompletableFuture();
    CompletableFuture<Decision> other =
        gatehouse.decide(from("198.51.100.1", random.get(2))).toCompletableFuture();

    assertThat(flood.stream().filter(f -> !f.isDone()).count()).isEqualTo(4);
    List<Decision> refused =
        flood.stream().filter(CompletableFuture::isDone).map(f -> f.join()).toList();
    assertThat(refused).hasSize(6);
    assertThat(refused)
        .allSatisfy(
            d -> {
              assertThat(d.status()).isEqualTo(429);
              assertThat(d.reason()).isEqualTo(Reason.THROTTLED);
              assertThat(d.retryAfter()).hasSeconds(1);
            });
    assertThat(sameSlash64).isNotDone(); // the 1st of its /64, then 4 more: the 5th is refused
    assertThat(otherSlash64).isNotDone();
    assertThat(other).isNotDone();
    assertThat(keys.lookupsInFlightForTests(ip("203.0.113.9"))).isEqualTo(4);

    io.runAll(); // the store answers: the reads end, their slots free up
    assertThat(flood.get(0).join().reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(other.join().reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(keys.lookupsInFlightForTests(ip("203.0.113.9"))).isZero();
    CompletableFuture<Decision> again =
        gatehouse.decide(from("203.0.113.9", random.get(9))).toCompletableFuture();
    assertThat(again).isNotDone();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void originsAreStoredWithTheTokenAndDecideBrowserRequests(StoreKind kind) {
    keys = ApiKeys.builder(kind.create(dir, clock)).clock(clock).build();
    Gatehouse gatehouse = Gatehouse.builder().authenticator(keys.authenticator()).build();
    CreatedToken listed =
        keys.create(
            NewToken.apiToken("default")
                .origins(List.of("https://App.example.com:443/", "http://localhost:5173"))
                .build());
    CreatedToken plain = keys.create(NewToken.apiToken("default").build());

    assertThat(listed.info().origins())
        .containsExactly("https://app.example.com", "http://localhost:5173");
    assertThat(keys.find(listed.info().id()).orElseThrow().origins())
        .containsExactly("https://app.example.com", "http://localhost:5173");
    assertThat(keys.list("default"))
        .filteredOn(info -> info.id().equals(plain.info().id()))
        .singleElement()
        .satisfies(info -> assertThat(info.origins()).isEmpty());
    // a rotation and a revocation keep the origins
    CreatedToken rotated = keys.rotate(listed.info().id(), java.time.Duration.ZERO);
    assertThat(rotated.info().origins()).hasSize(2);

    String page = "https://app.example.com";
    assertThat(decide(gatehouse, from("10.0.0.1", rotated.token(), "Origin", page)).allowed())
        .isTrue();
    assertThat(
            decide(gatehouse, from("10.0.0.1", rotated.token(), "Origin", "https://evil.example"))
                .reason())
        .isEqualTo(Reason.BROWSER_REFUSED);
    Decision refused = decide(gatehouse, from("10.0.0.1", plain.token(), "Origin", page));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.reason()).isEqualTo(Reason.BROWSER_REFUSED);
    assertThat(refused.detail()).doesNotContain(plain.token());
    assertThat(decide(gatehouse, from("10.0.0.1", plain.token())).allowed()).isTrue();
    keys.revoke(listed.info().id());
    assertThat(keys.find(listed.info().id()).orElseThrow().origins()).hasSize(2);
  }

  @Test
  void aTokenStoredBeforeOriginsExistedMigratesAndListsNone() throws Exception {
    String url = TokenStores.h2Url(dir);
    String token;
    String id;
    // A store at schema version 2, as the previous release left it, holding one token.
    try (ApiKeys old = ApiKeys.builder(TokenStores.inMemory()).build()) {
      CreatedToken created = old.create(NewToken.apiToken("default").build());
      token = created.token();
      id = created.info().id();
    }
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url, "", "");
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute(
          "create table gatehouse_schema (version integer not null primary key,"
              + " applied_at bigint not null)");
      for (int version = 1; version <= 2; version++) {
        for (String sql : JdbcSchema.MIGRATIONS.get(version - 1)) {
          statement.execute(sql);
        }
        statement.execute("insert into gatehouse_schema values (" + version + ", 0)");
      }
      statement.execute(
          "insert into gatehouse_tokens (id, space, kind, token_hash, masked_prefix, access, name,"
              + " permissions, created_at, imported) values ('"
              + id
              + "', 'default', 'API', '"
              + new Hasher(null).hash(token).hex()
              + "', 'ghk_****', 'READ_WRITE', 'old', '', 0, false)");
    }
    keys = ApiKeys.builder(TokenStores.jdbc().url(url, "", "").build()).clock(clock).build();
    Gatehouse gatehouse = Gatehouse.builder().authenticator(keys.authenticator()).build();

    assertThat(keys.find(id).orElseThrow().origins()).isEmpty();
    assertThat(decide(gatehouse, from("10.0.0.1", token)).allowed()).isTrue();
    assertThat(decide(gatehouse, from("10.0.0.1", token, "Origin", "https://a.example")).reason())
        .isEqualTo(Reason.BROWSER_REFUSED);
  }

  @Test
  void theSpaceSwitchLetsEveryTokenBeUsedFromWebPages() {
    keys = ApiKeys.builder(TokenStores.inMemory()).clock(clock).build();
    Settings allowed = Settings.empty().with("default", BrowserAccess.ALLOWED, Boolean.TRUE);
    Gatehouse open =
        Gatehouse.builder().authenticator(keys.authenticator()).settings(() -> allowed).build();
    CreatedToken plain = keys.create(NewToken.apiToken("default").build());

    assertThat(
            decide(
                    open,
                    from(
                        "10.0.0.1",
                        plain.token(),
                        "Origin",
                        "https://evil.example",
                        "Sec-Fetch-Mode",
                        "cors"))
                .allowed())
        .isTrue();
  }

  @Test
  void originsAreValidatedStrictly() {
    assertThat(BrowserAccess.normaliseOrigin("HTTP://Example.COM:80"))
        .isEqualTo("http://example.com");
    assertThat(BrowserAccess.normaliseOrigin("https://[::1]:8443")).isEqualTo("https://[::1]:8443");
    assertThat(BrowserAccess.parseList(" https://a.example , https://a.example,https://b.example"))
        .containsExactly("https://a.example", "https://b.example");
    assertThat(BrowserAccess.parseList(null)).isEmpty();
    for (String bad :
        List.of(
            "app.example.com",
            "https://app.example.com/path",
            "ftp://app.example.com",
            "https://user@app.example.com",
            "https://app.example.com:99999",
            "https://app.example.com:0",
            "null",
            "https://-bad.example")) {
      assertThatThrownBy(() -> BrowserAccess.normaliseOrigin(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("origin");
    }
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add("https://a" + i + ".example");
    }
    assertThatThrownBy(() -> NewToken.apiToken("default").origins(many))
        .hasMessageContaining("at most 20");
    assertThatThrownBy(() -> ApiKeys.builder(TokenStores.inMemory()).storeLookupsPerAddress(0))
        .hasMessageContaining("storeLookupsPerAddress");
  }

  private static Decision decide(Gatehouse gatehouse, AuthRequest request) {
    return gatehouse.decide(request).toCompletableFuture().join();
  }
}
