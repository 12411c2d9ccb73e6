package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two instances on one database: what one creates, revokes or rotates, the other honours within 2
 * s. The stores run with their default 1 s poll interval, except where a test proves that
 * PostgreSQL's LISTEN/NOTIFY alone is enough.
 */
class CrossInstanceTest {
  private static final Duration BOUND = Duration.ofSeconds(2);

  @TempDir Path dir;
  private ApiKeys a;
  private ApiKeys b;
  private Gatehouse gatehouseB;

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private void open(String url, String user, Duration pollInterval) {
    a =
        ApiKeys.builder(TokenStores.jdbc().url(url, user, "").pollInterval(pollInterval).build())
            .build();
    b =
        ApiKeys.builder(TokenStores.jdbc().url(url, user, "").pollInterval(pollInterval).build())
            .build();
    gatehouseB = Gatehouse.builder().authenticator(b.authenticator()).build();
  }

  private void open(StoreKind kind) {
    switch (kind) {
      case H2 -> open(TokenStores.h2Url(dir), "", Duration.ofSeconds(1));
      case POSTGRES -> open(Postgres.freshDatabase(), "postgres", Duration.ofSeconds(1));
      default -> throw new IllegalArgumentException("not shared: " + kind);
    }
  }

  private Decision onB(String token) {
    return ApiKeysTest.decide(gatehouseB, AuthRequest.builder().header("x-apikey", token));
  }

  /** Waits for B's decision on {@code token} to satisfy {@code expected}; fails after 2 s. */
  private Duration awaitOnB(String token, Predicate<Decision> expected)
      throws InterruptedException {
    long start = System.nanoTime();
    Decision last = onB(token);
    while (!expected.test(last)) {
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      assertThat(waited).as("B still says: %s", last.explain()).isLessThan(BOUND);
      Thread.sleep(20);
      last = onB(token);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"H2", "POSTGRES"})
  void aRevocationOnOneInstanceIsHonouredByTheOtherWithin2s(StoreKind kind) throws Exception {
    open(kind);
    CreatedToken created = a.create(NewToken.apiToken("default").build());
    assertThat(onB(created.token()).allowed()).isTrue(); // B has it cached now

    a.revoke(created.info().id());

    awaitOnB(created.token(), d -> d.reason() == Reason.REVOKED);
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"H2", "POSTGRES"})
  void aTokenImportedOnOneInstanceIsAcceptedByTheOtherWithin2s(StoreKind kind) throws Exception {
    open(kind);
    String uuid = "7f1d9c3e-5b2a-4c8e-9f0a-1b2c3d4e5f60";
    assertThat(onB(uuid).reason()).isEqualTo(Reason.UNKNOWN_CREDENTIAL); // negatively cached on B

    a.importToken(uuid, NewToken.apiToken("default").build());

    awaitOnB(uuid, Decision::allowed);
  }

  @ParameterizedTest
  @EnumSource(
      value = StoreKind.class,
      names = {"H2", "POSTGRES"})
  void aRotationWithoutGraceRetiresTheOldSecretEverywhereWithin2s(StoreKind kind) throws Exception {
    open(kind);
    CreatedToken created = a.create(NewToken.apiToken("default").build());
    assertThat(onB(created.token()).allowed()).isTrue();

    CreatedToken rotated = a.rotate(created.info().id(), Duration.ZERO);

    awaitOnB(created.token(), d -> d.reason() == Reason.UNKNOWN_CREDENTIAL);
    assertThat(onB(rotated.token()).allowed()).isTrue();
  }

  @Test
  void postgresPushesChangesWithListenNotifyWithoutWaitingForThePoll() throws Exception {
    open(Postgres.freshDatabase(), "postgres", Duration.ofMinutes(5)); // polling alone: too late
    CreatedToken created = a.create(NewToken.apiToken("default").build());
    assertThat(onB(created.token()).allowed()).isTrue();
    Thread.sleep(300); // let B's listener connection start LISTENing

    a.revoke(created.token());

    awaitOnB(created.token(), d -> d.reason() == Reason.REVOKED);
  }

  @Test
  void otherTopicsShareTheFeedAcrossInstances() throws Exception {
    open(Postgres.freshDatabase(), "postgres", Duration.ofSeconds(1));
    var seen = new java.util.concurrent.CopyOnWriteArrayList<ChangeFeed.Change>();
    ChangeFeed.Subscription subscription = b.store().changes().subscribe("settings", seen::add);

    a.store().changes().publish("settings", "tenant-a");

    TokenStoreContractTest.awaitSize(seen, 1);
    assertThat(seen.get(0)).isEqualTo(new ChangeFeed.Change("settings", "tenant-a"));
    subscription.close();
  }
}
