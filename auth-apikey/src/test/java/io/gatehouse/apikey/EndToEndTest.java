package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Refusal;
import io.gatehouse.core.Settings;
import io.gatehouse.testkit.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The authenticators inside a real {@link Gatehouse} pipeline, over a counting store. */
class EndToEndTest {
  private final MutableClock clock = new MutableClock();
  private CountingStore store;
  private ApiKeys keys;
  private Gatehouse gatehouse;

  @BeforeEach
  void open() {
    store = new CountingStore(TokenStores.inMemory());
    keys = ApiKeys.builder(store).clock(clock).retryAfter(Duration.ofSeconds(7)).build();
    gatehouse =
        Gatehouse.builder()
            .authenticator(keys.authenticator())
            .authenticator(keys.adminAuthenticator())
            .clock(clock)
            .build();
  }

  @AfterEach
  void close() {
    keys.close();
  }

  private Decision send(String method, String header, String value) {
    return ApiKeysTest.decide(
        gatehouse, AuthRequest.builder().method(method).path("/items").header(header, value));
  }

  @Test
  void aReadTokenMayGetButNotPost() {
    CreatedToken read = keys.create(NewToken.apiToken("default").readOnly().build());

    assertThat(send("GET", "x-apikey", read.token()).allowed()).isTrue();
    Decision post = send("POST", "x-apikey", read.token());

    assertThat(post.status()).isEqualTo(403);
    assertThat(post.reason()).isEqualTo(Reason.INSUFFICIENT_ACCESS);
  }

  @Test
  void revokedExpiredAndMalformedAre401WithTheirOwnReasons() {
    CreatedToken revoked = keys.create(NewToken.apiToken("default").build());
    keys.revoke(revoked.info().id());
    CreatedToken expiring =
        keys.create(
            NewToken.apiToken("default").expiresAt(clock.instant().plusSeconds(60)).build());
    clock.advance(Duration.ofSeconds(61));

    Decision r = send("GET", "x-apikey", revoked.token());
    Decision e = send("GET", "x-apikey", expiring.token());
    int before = store.calls();
    Decision m = send("GET", "x-apikey", revoked.token().substring(0, 42) + "!");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo(Reason.REVOKED);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(m.status()).isEqualTo(401);
    assertThat(m.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(store.calls()).as("a malformed token costs no store call").isEqualTo(before);
    assertThat(Refusal.wwwAuthenticate(m))
        .singleElement()
        .asString()
        .startsWith("ApiKey realm=\"api\", header=\"x-apikey\", error=\"invalid_token\"");
    assertThat(Refusal.problemJson(r, true)).contains("\"code\":\"revoked\"");
  }

  @Test
  void theAdminAuthenticatorLeavesOtherBearerTokensToOthers() {
    Decision jwt = send("GET", "Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig");
    Decision basic = send("GET", "Authorization", "Basic dXNlcjpwYXNz");

    assertThat(jwt.reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
    assertThat(basic.reason()).isEqualTo(Reason.MISSING_CREDENTIALS);
    assertThat(store.reads.get()).isZero();
  }

  @Test
  void aCachedTokenIsCheckedSynchronouslyAndAMissGoesToTheIoExecutor() throws Exception {
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    GatedStore gated = new GatedStore(TokenStores.inMemory());
    try (ApiKeys gatedKeys = ApiKeys.builder(gated).build()) {
      String token =
          gatedKeys.importToken(created.token(), NewToken.apiToken("default").build()).id();
      Authenticator authenticator = gatedKeys.authenticator();
      AuthContext context = context(created.token());

      CompletableFuture<AuthOutcome> miss =
          authenticator.authenticate(context).toCompletableFuture();
      assertThat(miss).as("the caller is not blocked by the store").isNotDone();
      gated.open.countDown();
      AuthOutcome outcome = miss.get(5, TimeUnit.SECONDS);

      assertThat(outcome).isInstanceOf(AuthOutcome.Success.class);
      assertThat(gated.readerThread.get())
          .startsWith("gatehouse-apikey-io")
          .isNotEqualTo(Thread.currentThread().getName());
      CompletableFuture<AuthOutcome> hit =
          authenticator.authenticate(context).toCompletableFuture();
      assertThat(hit).isCompletedWithValueMatching(o -> o instanceof AuthOutcome.Success);
      assertThat(((AuthOutcome.Success) hit.join()).identity().credentialId()).isEqualTo(token);
    }
  }

  @Test
  void whenTheStoreIsDownCachedTokensWorkAndUnknownOnesAre503UntilItReturns() {
    CreatedToken cached = keys.create(NewToken.apiToken("default").build());
    CreatedToken notYetCached = keys.create(NewToken.apiToken("default").build());
    assertThat(send("GET", "x-apikey", cached.token()).allowed()).isTrue();

    store.down = true;
    Decision stillOk = send("GET", "x-apikey", cached.token());
    Decision unknown = send("GET", "x-apikey", TokenCodec.newToken(TokenKind.API, "NotThere00"));
    Decision uncached = send("GET", "x-apikey", notYetCached.token());

    assertThat(stillOk.allowed()).isTrue();
    assertThat(unknown.status()).isEqualTo(503);
    assertThat(unknown.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(unknown.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(uncached.reason()).isEqualTo(Reason.UNAVAILABLE);

    store.down = false; // recovery: nothing was cached from the failure
    assertThat(send("GET", "x-apikey", notYetCached.token()).allowed()).isTrue();
    assertThat(send("GET", "x-apikey", TokenCodec.newToken(TokenKind.API, "NotThere00")).reason())
        .isEqualTo(Reason.UNKNOWN_CREDENTIAL);
  }

  /** Every store read (a cache miss) and every store failure reaches the listener, safely. */
  @Test
  void storeReadsAndStoreFailuresAreEventsForTheOperator() {
    List<AuthEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    AuthListener listener =
        new AuthListener() {
          @Override
          public void onEvent(AuthEvent event) {
            events.add(event);
          }
        };
    try (ApiKeys watched = ApiKeys.builder(store).clock(clock).listener(listener).build()) {
      Gatehouse pipeline =
          Gatehouse.builder().authenticator(watched.authenticator()).clock(clock).build();
      CreatedToken token = watched.create(NewToken.apiToken("default").build());
      String unknown = TokenCodec.newToken(TokenKind.API, "NotThere00");
      java.util.function.Function<String, Decision> get =
          value ->
              ApiKeysTest.decide(
                  pipeline, AuthRequest.builder().path("/items").header("x-apikey", value));

      assertThat(get.apply(token.token()).allowed()).isTrue();
      assertThat(get.apply(token.token()).allowed()).as("a hit: a hit event, no read").isTrue();
      assertThat(get.apply(unknown).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      store.down = true;
      int readsBefore = store.reads.get();
      assertThat(get.apply(TokenCodec.newToken(TokenKind.API, "Elsewhere0")).reason())
          .isEqualTo(Reason.UNAVAILABLE);
      assertThat(store.reads.get() - readsBefore).as("one store read for one request").isOne();

      assertThat(events)
          .extracting(AuthEvent::type)
          .containsExactly(
              "apikey.created",
              "apikey.cache_miss",
              "apikey.cache_hit",
              "apikey.cache_miss",
              "apikey.store_failed");
      assertThat(events.get(1).space()).isEqualTo("default");
      assertThat(events.get(1).attributes())
          .containsEntry("key", token.info().id())
          .containsEntry("found", "true")
          .containsEntry("millis", "0"); // the test clock stands still: the read's latency
      assertThat(events.get(3).attributes())
          .containsEntry("key", "NotThere00")
          .containsEntry("found", "false");
      assertThat(events.get(4).attributes())
          .containsKey("millis")
          .containsEntry("key", "Elsewhere0")
          .containsEntry("error", "TokenStoreException: store is down (test)");
      assertThat(events.toString()).doesNotContain(token.token(), unknown);

      // An entry too old to serve is read again: a miss, not a hit and a miss.
      store.down = false;
      events.clear();
      clock.advance(Duration.ofSeconds(30)); // the unknown token's negative entry expires
      assertThat(get.apply(unknown).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
      assertThat(events).extracting(AuthEvent::type).containsExactly("apikey.cache_miss");
    }
  }

  @Test
  void aFullIoQueueIsAnswered503InsteadOfQueueingForever() throws Exception {
    GatedStore gated = new GatedStore(TokenStores.inMemory());
    try (ApiKeys tiny = ApiKeys.builder(gated).ioThreads(1, 1).build()) {
      Authenticator authenticator = tiny.authenticator();
      var first =
          authenticator.authenticate(context(TokenCodec.newToken(TokenKind.API, "Id00000001")));
      var second =
          authenticator.authenticate(context(TokenCodec.newToken(TokenKind.API, "Id00000002")));
      AuthOutcome third =
          authenticator
              .authenticate(context(TokenCodec.newToken(TokenKind.API, "Id00000003")))
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);

      assertThat(third)
          .isInstanceOfSatisfying(
              AuthOutcome.Failure.class, f -> assertThat(f.reason()).isEqualTo(Reason.UNAVAILABLE));
      gated.open.countDown();
      assertThat(first.toCompletableFuture().get(5, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              AuthOutcome.Failure.class,
              f -> assertThat(f.reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL));
      assertThat(second.toCompletableFuture().get(5, TimeUnit.SECONDS))
          .isInstanceOf(AuthOutcome.Failure.class);
    }
  }

  @Test
  void lastUsedIsDebouncedAndWrittenOffTheRequestPath() {
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    int writesBefore = store.lastUsedWrites.get();

    for (int i = 0; i < 50; i++) {
      assertThat(send("GET", "x-apikey", created.token()).allowed()).isTrue();
    }
    assertThat(store.lastUsedWrites.get())
        .as("no write on the request path")
        .isEqualTo(writesBefore);
    assertThat(keys.flushLastUsed()).isEqualTo(1);
    assertThat(keys.find(created.info().id()).orElseThrow().lastUsedAt())
        .isEqualTo(clock.instant());

    clock.advance(Duration.ofSeconds(10));
    send("GET", "x-apikey", created.token());
    assertThat(keys.flushLastUsed()).as("within the debounce interval").isZero();

    clock.advance(Duration.ofSeconds(25));
    send("GET", "x-apikey", created.token());
    store.down = true;
    assertThat(keys.flushLastUsed()).as("a failed write is kept").isZero();
    store.down = false;
    assertThat(keys.flushLastUsed()).isEqualTo(1);
    assertThat(keys.find(created.info().id()).orElseThrow().lastUsedAt())
        .isEqualTo(clock.instant());
  }

  @Test
  void cacheAgesFollowTheDecisionClock() throws Exception {
    String unknown = TokenCodec.newToken(TokenKind.API, "NotThere01");
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    send("GET", "x-apikey", unknown);
    send("GET", "x-apikey", created.token());
    int reads = store.reads.get();

    clock.advance(Duration.ofSeconds(29));
    send("GET", "x-apikey", unknown);
    assertThat(store.reads.get()).as("negative entry still fresh").isEqualTo(reads);
    clock.advance(Duration.ofSeconds(1));
    assertThat(send("GET", "x-apikey", unknown).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);
    assertThat(store.reads.get()).as("negative entry expired after 30 s").isEqualTo(reads + 1);

    clock.advance(Duration.ofMinutes(5)); // refresh due: served at once, re-read in the background
    store.down = true;
    assertThat(send("GET", "x-apikey", created.token()).allowed()).isTrue();
    Thread.sleep(200); // the failed background refresh keeps the entry
    assertThat(send("GET", "x-apikey", created.token()).allowed()).isTrue();

    clock.advance(Duration.ofHours(24)); // beyond the maximum age: must be re-read
    assertThat(send("GET", "x-apikey", created.token()).reason()).isEqualTo(Reason.UNAVAILABLE);
    store.down = false;
    assertThat(send("GET", "x-apikey", created.token()).allowed()).isTrue();
  }

  @Test
  void aNegativeEntryIsDroppedWhenTheTokenIsCreated() {
    String token;
    try (ApiKeys elsewhere = ApiKeys.builder(TokenStores.inMemory()).build()) {
      token = elsewhere.create(NewToken.apiToken("default").build()).token();
    }
    assertThat(send("GET", "x-apikey", token).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL);

    keys.importToken(token, NewToken.apiToken("default").build());

    assertThat(send("GET", "x-apikey", token).allowed()).isTrue();
  }

  private static AuthContext context(String token) {
    return new AuthContext(
        AuthRequest.builder().header("x-apikey", token).build(),
        "default",
        InetAddress.getLoopbackAddress(),
        Settings.empty(),
        Instant.now());
  }

  /** A store whose reads wait for {@link #open} and remember which thread made them. */
  static final class GatedStore implements TokenStore {
    final TokenStore delegate;
    final CountDownLatch open = new CountDownLatch(1);
    final AtomicReference<String> readerThread = new AtomicReference<>("");

    GatedStore(TokenStore delegate) {
      this.delegate = delegate;
    }

    private void await() {
      readerThread.set(Thread.currentThread().getName());
      try {
        open.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
      await();
      return delegate.findById(id);
    }

    @Override
    public Optional<TokenRecord> findByHash(TokenHash hash) {
      await();
      return delegate.findByHash(hash);
    }

    @Override
    public List<TokenRecord> list(String space) {
      return delegate.list(space);
    }

    @Override
    public boolean insert(TokenRecord record) {
      return delegate.insert(record);
    }

    @Override
    public boolean replace(TokenRecord expected, TokenRecord replacement) {
      return delegate.replace(expected, replacement);
    }

    @Override
    public boolean revoke(String id, Instant at) {
      return delegate.revoke(id, at);
    }

    @Override
    public void recordLastUsed(Map<String, Instant> lastUsed) {
      delegate.recordLastUsed(lastUsed);
    }

    @Override
    public ChangeFeed changes() {
      return delegate.changes();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
