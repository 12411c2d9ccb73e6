package io.gatehouse.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.AdminRules;
import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of issue 12, for one kind of store: a Jetty app and a Netty app, each on its own
 * {@link ManagedGatehouse}, while {@code gatehouse} runs in another process on the same store.
 * Every change the CLI makes reaches both apps within 2 s of its exit; the figures are printed at
 * the end.
 *
 * <p>Set-up and clean-up between the measured changes go through the apps' own management
 * operations (no JVM start each); only the changes measured are made by the CLI process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmbeddingContract {
  /** A store the apps and the CLI share. */
  record Store(String name, String url, String user, String password) {}

  private Path dir;

  private Store store;
  private JettyApp jetty;
  private NettyApp netty;
  private List<App> apps;
  private CliProcess cli;
  private Management operator;
  private JwtIssuer idp;

  /** Starts the database if it needs one, and names the store. */
  abstract Store openStore(Path dir) throws Exception;

  /** Stops what {@link #openStore} started. */
  abstract void closeStore() throws Exception;

  @BeforeAll
  void startApps(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    long started = System.nanoTime();
    store = openStore(dir);
    System.out.printf(
        "%s store up after %d ms%n", store.name(), (System.nanoTime() - started) / 1_000_000);
    jetty = new JettyApp(managed());
    netty = new NettyApp(managed());
    apps = List.of(jetty, netty);
    Path work = Files.createDirectories(dir.resolve("cli"));
    cli = new CliProcess(store.url(), store.user(), store.password(), work);
    operator = jetty.managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
    idp = new JwtIssuer();
    System.out.printf("apps up after %d ms%n", (System.nanoTime() - started) / 1_000_000);
  }

  private ManagedGatehouse managed() {
    return ManagedGatehouse.builder(store.url())
        .credentials(store.user(), store.password())
        .build();
  }

  @AfterAll
  void stopApps() throws Exception {
    List<AutoCloseable> open = new ArrayList<>();
    open.add(idp);
    open.add(operator);
    open.add(netty);
    open.add(jetty);
    Exception failure = null;
    for (AutoCloseable closeable : open) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        failure = e;
      }
    }
    try {
      closeStore();
    } finally {
      if (store != null) {
        Propagation.summary(store.name());
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Test
  void aTokenAddedByTheCliWorksAndItsRevocationStopsIt() throws Exception {
    CliProcess.Result added = cli.run("add-token", "--name", "embedded");
    assertThat(added.code()).as(added.toString()).isZero();
    String token = added.token();
    Propagation.await(
        store.name(),
        "add-token",
        added.exitedAtNanos(),
        apps,
        "200",
        app -> app.outcome("x-apikey", token));

    CliProcess.Result revoked = cli.run("revoke", token);
    assertThat(revoked.code()).as(revoked.toString()).isZero();
    Propagation.await(
        store.name(),
        "revoke",
        revoked.exitedAtNanos(),
        apps,
        "401 revoked",
        app -> app.outcome("x-apikey", token));
  }

  @Test
  void aWhitelistEntryThatExcludesTheClientRefusesItAndItsRemovalLetsItBackIn() throws Exception {
    String token = newToken();
    Propagation.Probe hello = app -> app.outcome("x-apikey", token);
    Propagation.settle(apps, "200", hello);

    // The apps see 127.0.0.1: an allowlist of TEST-NET-1 alone shuts it out.
    CliProcess.Result allowed = cli.run("whitelist", "192.0.2.0/24");
    assertThat(allowed.code()).as(allowed.toString()).isZero();
    Propagation.await(
        store.name(),
        "whitelist 192.0.2.0/24",
        allowed.exitedAtNanos(),
        apps,
        "403 address_denied",
        hello);

    CliProcess.Result removed = cli.run("whitelist", "--remove", "192.0.2.0/24");
    assertThat(removed.code()).as(removed.toString()).isZero();
    Propagation.await(
        store.name(), "whitelist --remove", removed.exitedAtNanos(), apps, "200", hello);
  }

  @Test
  void aDenyRuleForTheClientRefusesIt() throws Exception {
    String token = newToken();
    Propagation.Probe hello = app -> app.outcome("x-apikey", token);
    Propagation.settle(apps, "200", hello);
    try {
      CliProcess.Result denied = cli.run("denylist", "127.0.0.1");
      assertThat(denied.code()).as(denied.toString()).isZero();
      Propagation.await(
          store.name(),
          "denylist 127.0.0.1",
          denied.exitedAtNanos(),
          apps,
          "403 address_denied",
          hello);
    } finally {
      operator.removeDenied(SpaceConfig.normalise(List.of("127.0.0.1")));
    }
    Propagation.settle(apps, "200", hello);
  }

  @Test
  void aJwksIssuerAddedByTheCliIsTrustedByBothApps() throws Exception {
    String jwt = idp.rs256("alice");
    Propagation.Probe hello = app -> app.outcome("Authorization", "Bearer " + jwt);
    Propagation.settle(apps, "401", hello);
    try {
      CliProcess.Result set =
          cli.run("jwks", idp.jwksUrl(), "--audience", JwtIssuer.AUDIENCE, "--alg", "RS256");
      assertThat(set.code()).as(set.toString()).isZero();
      Propagation.await(store.name(), "jwks URL", set.exitedAtNanos(), apps, "200", hello);
    } finally {
      operator.removeIssuer(idp.origin());
    }
    Propagation.settle(apps, "401", hello);
  }

  @Test
  void anHsSecretSetByTheCliIsTrustedByBothApps() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path file = dir.resolve("hs-secret.txt");
    Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
    String jwt = JwtIssuer.hs256(secret, "embed-hs", "bob");
    Propagation.Probe hello = app -> app.outcome("Authorization", "Bearer " + jwt);
    Propagation.settle(apps, "401", hello);
    try {
      CliProcess.Result set =
          cli.run(
              "jwt-secret",
              "--from-file",
              file.toString(),
              "--base64url",
              "--issuer",
              "embed-hs",
              "--audience",
              JwtIssuer.AUDIENCE);
      assertThat(set.code()).as(set.toString()).isZero();
      assertThat(set.out() + set.err())
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
      Propagation.await(store.name(), "jwt-secret", set.exitedAtNanos(), apps, "200", hello);
    } finally {
      operator.removeIssuer("embed-hs");
    }
    Propagation.settle(apps, "401", hello);
  }

  @Test
  void trustedProxiesMakeXForwardedForTheClientAddress() throws Exception {
    String token = newToken();
    Propagation.Probe forwarded =
        app -> app.outcome("x-apikey", token, "X-Forwarded-For", "203.0.113.7");
    Propagation.Probe direct = app -> app.outcome("x-apikey", token);
    Map<App, Long> before = versions();
    operator.deny(List.of("203.0.113.7"));
    awaitSettingsNewerThan(before);
    try {
      // No proxy trusted yet: the header is the client's own word, and the peer is 127.0.0.1.
      Propagation.settle(apps, "200", forwarded);

      CliProcess.Result trusted = cli.run("trust-proxy", "127.0.0.1/32");
      assertThat(trusted.code()).as(trusted.toString()).isZero();
      Propagation.await(
          store.name(),
          "trust-proxy 127.0.0.1/32",
          trusted.exitedAtNanos(),
          apps,
          "403 address_denied",
          forwarded);
      Propagation.settle(apps, "200", direct);
    } finally {
      operator.trustProxies(SpaceConfig.Proxies.NONE);
      operator.removeDenied(SpaceConfig.normalise(List.of("203.0.113.7")));
    }
  }

  @Test
  void theConsoleAndItsApiAreMountedByAdminServlet() throws Exception {
    HttpResponse<String> page = jetty.get("/_admin/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));

    String admin =
        operator
            .createToken(
                new Management.TokenRequest(
                    true, false, "embed-admin", null, List.of(AdminRules.SETTINGS), null))
            .token();
    HttpResponse<String> settings =
        jetty.get("/_admin/api/settings", "Authorization", "Bearer " + admin);
    assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
    assertThat(jetty.get("/_admin/api/settings").statusCode()).isEqualTo(401);
  }

  private String newToken() {
    return operator
        .createToken(new Management.TokenRequest(false, false, "fixture", null, List.of(), null))
        .token();
  }

  private Map<App, Long> versions() {
    Map<App, Long> versions = new HashMap<>();
    apps.forEach(app -> versions.put(app, app.managed.settings().get().version()));
    return versions;
  }

  /** Each app's live settings have moved past {@code versions} (not measured: set-up). */
  private void awaitSettingsNewerThan(Map<App, Long> versions) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    for (App app : apps) {
      long version = versions.get(app);
      while (app.managed.settings().get().version() <= version && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(app.managed.settings().get().version())
          .as("%s settings", app)
          .isGreaterThan(version);
    }
  }
}
