package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Forced interleavings of the management operations on every store: a hook runs another operation
 * right after the next record read returns, i.e. between one operation's read and its write. No
 * timing is involved, so each test shows the same interleaving on every run.
 */
class RotateRevokeRaceTest {
  private static final Duration GRACE = Duration.ofHours(1);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock();
  private final AtomicReference<Runnable> afterNextRead = new AtomicReference<>();
  private TokenStore real;
  private ApiKeys keys;
  private Gatehouse gatehouse;

  @AfterEach
  void close() {
    if (keys != null) {
      keys.close();
    }
  }

  /**
   * The real store behind a pass-through proxy that runs {@link #afterNextRead} once, after a
   * {@code findById} has returned its (from then on possibly stale) record to its caller.
   */
  private void open(StoreKind kind) {
    real = kind.create(dir, clock);
    TokenStore hooked =
        (TokenStore)
            Proxy.newProxyInstance(
                TokenStore.class.getClassLoader(),
                new Class<?>[] {TokenStore.class},
                (proxy, method, args) -> {
                  Object result;
                  try {
                    result = method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (method.getName().equals("findById")) {
                    Runnable hook = afterNextRead.getAndSet(null);
                    if (hook != null) {
                      hook.run();
                    }
                  }
                  return result;
                });
    keys = ApiKeys.builder(hooked).clock(clock).build();
    gatehouse = Gatehouse.builder().clock(clock).authenticator(keys.authenticator()).build();
  }

  private Decision decide(String token) {
    return ApiKeysTest.decide(gatehouse, AuthRequest.builder().header("x-apikey", token));
  }

  private void assertRevoked(String token, String which) {
    Decision decision = decide(token);
    assertThat(decision.reason()).as("%s: %s", which, decision.explain()).isEqualTo(Reason.REVOKED);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRevokeCommittedBetweenRotatesReadAndWriteIsNeverUndone(StoreKind kind) {
    open(kind);
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    String id = created.info().id();
    TokenHash original = real.findById(id).orElseThrow().hash();
    AtomicReference<CreatedToken> rotated = new AtomicReference<>();
    afterNextRead.set(() -> keys.revoke(id)); // rotate has read "not revoked"; revoke commits now

    Throwable thrown = catchThrowable(() -> rotated.set(keys.rotate(id, GRACE)));

    assertRevoked(created.token(), "the old secret");
    if (rotated.get() != null) {
      assertRevoked(rotated.get().token(), "the new secret");
    }
    assertThat(thrown)
        .as("rotating a revoked token fails")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("revoked");
    TokenRecord stored = real.findById(id).orElseThrow();
    assertThat(stored.revokedAt()).isNotNull();
    assertThat(stored.hash()).as("no new secret was stored").isEqualTo(original);
    assertThat(catchThrowable(() -> keys.rotate(id, GRACE)))
        .isInstanceOf(IllegalStateException.class);
    clock.advance(Duration.ofDays(2)); // past the grace and every cache age
    assertRevoked(created.token(), "the old secret, later");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRotationCommittedBetweenRevokesReadAndWriteIsRevokedToo(StoreKind kind) {
    open(kind);
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    String id = created.info().id();
    AtomicReference<CreatedToken> rotated = new AtomicReference<>();
    afterNextRead.set(() -> rotated.set(keys.rotate(id, GRACE))); // between revoke's read and write

    TokenInfo revoked = keys.revoke(id).orElseThrow();

    assertThat(revoked.revokedAt()).isNotNull();
    assertThat(rotated.get()).isNotNull();
    assertRevoked(created.token(), "the old secret, in its grace period");
    assertRevoked(rotated.get().token(), "the new secret");
    assertThat(real.findById(id).orElseThrow().hash())
        .as("the revocation kept the rotation's secret: it revoked that one too")
        .isEqualTo(new Hasher(null).hash(rotated.get().token()));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConcurrentRotationFailsInsteadOfSilentlyReplacingTheOther(StoreKind kind) {
    open(kind);
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    String id = created.info().id();
    AtomicReference<CreatedToken> first = new AtomicReference<>();
    afterNextRead.set(() -> first.set(keys.rotate(id, Duration.ZERO)));

    Throwable thrown = catchThrowable(() -> keys.rotate(id, Duration.ZERO));

    assertThat(first.get()).isNotNull();
    Decision firstSecret = decide(first.get().token());
    assertThat(firstSecret.allowed())
        .as("the rotation reported as done works: %s", firstSecret.explain())
        .isTrue();
    assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("try again");
    assertThat(decide(created.token()).allowed()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLastUsedTimeWrittenBetweenRotatesReadAndWriteIsKept(StoreKind kind) {
    open(kind);
    CreatedToken created = keys.create(NewToken.apiToken("default").build());
    String id = created.info().id();
    Instant used = clock.instant().plusSeconds(7);
    afterNextRead.set(() -> real.recordLastUsed(Map.of(id, used)));

    keys.rotate(id, GRACE);

    assertThat(real.findById(id).orElseThrow().lastUsedAt()).isEqualTo(used);
  }
}
