package io.gatehouse.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.apikey.ChangeFeed;
import io.gatehouse.apikey.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A DB outage keeps the last good settings": PostgreSQL stops under a running Jetty app and Netty
 * app. Their allowlist and trusted proxies stay in force and a cached token keeps working; a token
 * they never looked up gets 503 (nothing fails open); when PostgreSQL is back, on the same port
 * with the same data, the CLI's changes reach both apps within 2 s again.
 */
class PostgresOutageTest {
  private static final String STORE = "postgresql, after an outage";
  private static final String STRANGER = "198.51.100.9";

  @TempDir Path dir;

  private EmbeddedPostgresStore postgres;
  private JettyApp jetty;
  private NettyApp netty;
  private Management operator;
  private final List<ChangeFeed.Subscription> subscriptions = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    subscriptions.forEach(ChangeFeed.Subscription::close);
    try {
      for (AutoCloseable open : new AutoCloseable[] {operator, netty, jetty, postgres}) {
        if (open != null) {
          open.close();
        }
      }
    } finally {
      Propagation.summary(STORE);
    }
  }

  @Test
  void anOutageKeepsTheLastGoodSettingsAndCachedTokensAndChangesPropagateAfterIt()
      throws Exception {
    postgres = new EmbeddedPostgresStore(dir.resolve("pgdata"));
    jetty = new JettyApp(managed());
    netty = new NettyApp(managed());
    List<App> apps = List.of(jetty, netty);
    operator = jetty.managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
    CliProcess cli =
        new CliProcess(
            postgres.url(),
            EmbeddedPostgresStore.USER,
            EmbeddedPostgresStore.PASSWORD,
            Files.createDirectories(dir.resolve("cli")));

    List<List<String>> changed =
        List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    for (int i = 0; i < apps.size(); i++) {
      subscriptions.add(
          apps.get(i)
              .managed
              .store()
              .keys()
              .store()
              .changes()
              .subscribe(TokenStore.TOKEN_TOPIC, record(changed.get(i))));
    }
    Management.CreatedTokenView cachedView = newToken();
    String cached = cachedView.token();
    String uncached = newToken().token();
    operator.allow(List.of("127.0.0.1/32"));
    operator.trustProxies(new SpaceConfig.Proxies(List.of("127.0.0.1/32"), 0));
    Propagation.Probe direct = app -> app.outcome("x-apikey", cached);
    Propagation.Probe stranger =
        app -> app.outcome("x-apikey", cached, "X-Forwarded-For", STRANGER);
    Propagation.Probe neverLookedUp = app -> app.outcome("x-apikey", uncached);
    Propagation.settle(apps, "403 address_denied", stranger); // the settings are in force
    // A token's own creation notices (NOTIFY, then the poll) drop its cache entry: let them
    // pass, then look it up once more so that both apps hold it.
    for (List<String> keys : changed) {
      awaitTwice(keys, cachedView.info().id());
    }
    Thread.sleep(100);
    Propagation.settle(apps, "200", direct);

    postgres.stop();

    assertOutageBehaviour(apps, direct, stranger, neverLookedUp);
    CliProcess.Result refused = cli.run("add-token");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(3);
    assertThat(refused.err())
        .contains("unreachable")
        .doesNotContain(EmbeddedPostgresStore.PASSWORD);
    // Seconds into the outage, past several polls and reload attempts: still the same.
    assertOutageBehaviour(apps, direct, stranger, neverLookedUp);

    postgres.restart();

    Propagation.settle(apps, "200", neverLookedUp);
    CliProcess.Result revoked = cli.run("revoke", uncached);
    assertThat(revoked.code()).as(revoked.toString()).isZero();
    Propagation.await(STORE, "revoke", revoked.exitedAtNanos(), apps, "401 revoked", neverLookedUp);
    CliProcess.Result denied = cli.run("denylist", "127.0.0.1");
    assertThat(denied.code()).as(denied.toString()).isZero();
    Propagation.await(
        STORE, "denylist 127.0.0.1", denied.exitedAtNanos(), apps, "403 address_denied", direct);
  }

  private static void assertOutageBehaviour(
      List<App> apps,
      Propagation.Probe direct,
      Propagation.Probe stranger,
      Propagation.Probe neverLookedUp)
      throws Exception {
    for (App app : apps) {
      assertThat(direct.outcome(app)).as("%s: the cached token", app).isEqualTo("200");
      assertThat(stranger.outcome(app))
          .as("%s: the allowlist, through the trusted proxy", app)
          .isEqualTo("403 address_denied");
      assertThat(neverLookedUp.outcome(app))
          .as("%s: a token not in the cache", app)
          .isEqualTo("503 unavailable");
    }
  }

  private ManagedGatehouse managed() {
    return ManagedGatehouse.builder(postgres.url())
        .credentials(EmbeddedPostgresStore.USER, EmbeddedPostgresStore.PASSWORD)
        .build();
  }

  private Management.CreatedTokenView newToken() {
    return operator.createToken(
        new Management.TokenRequest(false, false, "fixture", null, List.of(), null));
  }

  private static Consumer<ChangeFeed.Change> record(List<String> keys) {
    return change -> keys.add(change.key());
  }

  /** Waits until {@code id} was delivered twice (NOTIFY, then the poll), at most 5 s. */
  private static void awaitTwice(List<String> keys, String id) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (keys.stream().filter(id::equals).count() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(keys).contains(id);
  }
}
