package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.AdminServlet;
import io.gatehouse.admin.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 1: who may do what on the admin API, over a real {@code serve}. Every admin route
 * is called with every permission set, and the status must be the one {@link #holds} says; a
 * refused call must change nothing.
 */
class AdminPermissionsTest {
  /** The permission sets callers hold; the empty set is an admin token with no permission. */
  static final List<Set<String>> PERMISSION_SETS =
      List.of(
          Set.of(),
          Set.of("deploy"),
          Set.of("tokens"),
          Set.of("settings"),
          Set.of("tokens", "deploy"),
          Set.of("tokens", "settings"),
          Set.of("audit"),
          Set.of("metrics"),
          Set.of("manage"));

  @TempDir static Path dir;
  static Cli cli;
  static Cli.Running serve;
  static String root;
  static String apiToken;
  static final Map<Set<String>, String> CALLERS = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    cli = new Cli(dir);
    root = cli.run("add-admintoken", "--ops", "manage", "--name", "root").token();
    apiToken = cli.run("add-token").token();
    for (Set<String> permissions : PERMISSION_SETS) {
      List<String> args = new ArrayList<>(List.of("add-admintoken", "--name", "caller"));
      if (!permissions.isEmpty()) {
        args.add("--ops");
        args.add(String.join(",", new TreeSet<>(permissions)));
      }
      CALLERS.put(permissions, cli.run(args.toArray(String[]::new)).token());
    }
    serve = cli.start("serve", "--port", "0");
  }

  @AfterAll
  static void stop() throws Exception {
    serve.close();
  }

  /** What a permission set may do: {@code manage} holds every permission. */
  static Predicate<Set<String>> holds(String... needed) {
    return held -> held.contains("manage") || held.containsAll(List.of(needed));
  }

  /** Fresh tokens for one call to act on, created with the root token. */
  record Targets(String api, String manage, String deploy) {}

  record Route(
      String name,
      String method,
      Function<Targets, String> path,
      Function<Targets, String> body,
      Predicate<Set<String>> allowed,
      int success,
      Function<Targets, String> untouched) {}

  static Route route(
      String method,
      String path,
      String body,
      Predicate<Set<String>> allowed,
      int success,
      String name) {
    return new Route(name, method, t -> path, t -> body, allowed, success, t -> "");
  }

  static final List<Route> ROUTES =
      List.of(
          route("GET", "/tokens", "", holds("tokens"), 200, "list tokens"),
          route(
              "POST",
              "/tokens",
              "{\"kind\":\"api\",\"name\":\"x\"}",
              holds("tokens"),
              201,
              "create an API token"),
          route(
              "POST",
              "/tokens",
              "{\"kind\":\"admin\",\"permissions\":[\"tokens\"]}",
              holds("tokens"),
              201,
              "create a 'tokens' admin token"),
          route(
              "POST",
              "/tokens",
              "{\"kind\":\"admin\",\"permissions\":[\"deploy\"]}",
              holds("tokens", "deploy"),
              201,
              "create a 'deploy' admin token"),
          route(
              "POST",
              "/tokens",
              "{\"kind\":\"admin\",\"permissions\":[\"settings\"]}",
              holds("tokens", "settings"),
              201,
              "create a 'settings' admin token"),
          route(
              "POST",
              "/tokens",
              "{\"kind\":\"admin\",\"permissions\":[\"manage\"]}",
              holds("manage"),
              201,
              "create a 'manage' admin token"),
          route(
              "POST",
              "/tokens",
              "{\"kind\":\"admin\",\"permissions\":[\"tokens\",\"manage\"]}",
              holds("manage"),
              201,
              "create a 'tokens,manage' admin token"),
          route(
              "POST",
              "/tokens/import",
              "{\"token\":\"%s\"}",
              holds("tokens"),
              200,
              "import a foreign token"),
          new Route(
              "revoke an API token by text",
              "POST",
              t -> "/tokens/revoke",
              t -> "{\"token\":\"" + t.api() + "\"}",
              holds("tokens"),
              200,
              Targets::api),
          new Route(
              "revoke a 'manage' admin token by text",
              "POST",
              t -> "/tokens/revoke",
              t -> "{\"token\":\"" + t.manage() + "\"}",
              holds("manage"),
              200,
              Targets::manage),
          new Route(
              "revoke an API token by id",
              "DELETE",
              t -> "/tokens/" + id(t.api()),
              t -> "",
              holds("tokens"),
              200,
              Targets::api),
          new Route(
              "revoke a 'manage' admin token by id",
              "DELETE",
              t -> "/tokens/" + id(t.manage()),
              t -> "",
              holds("manage"),
              200,
              Targets::manage),
          new Route(
              "revoke a 'deploy' admin token by id",
              "DELETE",
              t -> "/tokens/" + id(t.deploy()),
              t -> "",
              holds("tokens", "deploy"),
              200,
              Targets::deploy),
          new Route(
              "rotate an API token",
              "POST",
              t -> "/tokens/" + id(t.api()) + "/rotate",
              t -> "{}",
              holds("tokens"),
              200,
              Targets::api),
          new Route(
              "rotate a 'manage' admin token",
              "POST",
              t -> "/tokens/" + id(t.manage()) + "/rotate",
              t -> "{}",
              holds("manage"),
              200,
              Targets::manage),
          new Route(
              "rotate a 'deploy' admin token",
              "POST",
              t -> "/tokens/" + id(t.deploy()) + "/rotate",
              t -> "{\"grace\":\"1h\"}",
              holds("tokens", "deploy"),
              200,
              Targets::deploy),
          route("GET", "/tokens/limits", "", holds("tokens"), 200, "list usage limits"),
          new Route(
              "show an API token's usage limits",
              "GET",
              t -> "/tokens/" + id(t.api()) + "/limits",
              t -> "",
              holds("tokens"),
              200,
              t -> ""),
          new Route(
              "limit an API token",
              "PUT",
              t -> "/tokens/" + id(t.api()) + "/limits",
              t -> "{\"rate\":\"5/1m\",\"uses\":100}",
              holds("tokens"),
              200,
              Targets::api),
          new Route(
              "limit a 'manage' admin token",
              "PUT",
              t -> "/tokens/" + id(t.manage()) + "/limits",
              t -> "{\"rate\":\"5/1m\"}",
              holds("manage"),
              200,
              Targets::manage),
          new Route(
              "limit a 'deploy' admin token",
              "PUT",
              t -> "/tokens/" + id(t.deploy()) + "/limits",
              t -> "{\"uses\":100}",
              holds("tokens", "deploy"),
              200,
              Targets::deploy),
          route(
              "PUT",
              "/tokens/default/limits",
              "{\"rate\":\"100000/1m\"}", // generous: it applies to every caller here
              holds("tokens"),
              200,
              "set the space's default usage limits"),
          route("GET", "/settings", "", holds("settings"), 200, "read settings"),
          route(
              "PUT",
              "/jwks",
              "{\"issuer\":\"https://idp.example/\",\"jwks\":\"https://idp.example/jwks.json\","
                  + "\"audiences\":[\"api\"]}",
              holds("settings"),
              200,
              "set a JWKS issuer"),
          route(
              "PUT",
              "/jwt-secret",
              "{\"issuer\":\"me\",\"secret\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0\","
                  + "\"audiences\":[\"api\"]}",
              holds("settings"),
              200,
              "set an HS secret"),
          route(
              "POST",
              "/issuers/remove",
              "{\"issuer\":\"nobody\"}",
              holds("settings"),
              404, // allowed, and then there is no such issuer
              "remove an absent issuer"),
          route(
              "POST",
              "/whitelist",
              "{\"cidrs\":[\"127.0.0.0/8\"]}",
              holds("settings"),
              200,
              "allow an address block"),
          route(
              "POST",
              "/whitelist/remove",
              "{\"cidrs\":[\"198.51.100.7\"]}",
              holds("settings"),
              404, // allowed, and then the block is not in the allowlist
              "remove an absent allowed block"),
          route(
              "POST",
              "/denylist",
              "{\"cidrs\":[\"198.51.100.0/24\"]}",
              holds("settings"),
              200,
              "deny an address block"),
          route(
              "POST",
              "/denylist/remove",
              "{\"cidrs\":[\"203.0.113.7\"]}",
              holds("settings"),
              404, // allowed, and then the block is not in the denylist
              "remove an absent denied block"),
          route(
              "PUT",
              "/trusted-proxies",
              "{\"cidrs\":[\"10.0.0.0/8\"],\"hops\":0}",
              holds("settings"),
              200,
              "trust proxies"),
          route(
              "POST",
              "/check",
              "{\"method\":\"GET\",\"path\":\"/api/hello\",\"headers\":[]}",
              holds("settings"),
              200,
              "dry run"),
          route(
              "GET",
              "/audit?since=24h&verify=true",
              "",
              holds("audit"),
              200,
              "read and verify the audit log"),
          route("GET", "/spaces", "", holds("manage"), 200, "list spaces"),
          route("GET", "/_admin/metrics", "", holds("metrics"), 200, "scrape the metrics"),
          route("POST", "/spaces", "{\"name\":\"qa\"}", holds("manage"), 200, "declare a space"),
          route(
              "POST",
              "/spaces/remove",
              "{\"name\":\"ghost\"}",
              holds("manage"),
              404, // allowed, and then there is no such space
              "remove an absent space"),
          route(
              "POST",
              "/spaces/remove",
              "{\"name\":\"dev\"}",
              holds("manage"),
              409, // allowed, and then refused: the callers' own tokens live there
              "remove a space in use"));

  @TestFactory
  Stream<DynamicTest> everyRouteUnderEveryPermissionSet() {
    List<DynamicTest> tests = new ArrayList<>();
    int[] foreign = {0};
    for (Route route : ROUTES) {
      for (Set<String> held : PERMISSION_SETS) {
        boolean allowed = route.allowed().test(held);
        tests.add(
            DynamicTest.dynamicTest(
                route.name() + " with " + new TreeSet<>(held) + " -> " + (allowed ? "ok" : 403),
                () -> {
                  Targets targets = targets();
                  String body =
                      route
                          .body()
                          .apply(targets)
                          .replace("%s", "123e4567-e89b-12d3-a456-4266141740" + foreign[0]++ % 90);
                  HttpResponse<String> response =
                      call(route.method(), route.path().apply(targets), body, CALLERS.get(held));
                  assertThat(response.statusCode())
                      .as(response.body())
                      .isEqualTo(allowed ? route.success() : 403);
                  String target = route.untouched().apply(targets);
                  if (!allowed && !target.isEmpty()) {
                    assertThat(status(id(target))).isEqualTo("active");
                  }
                  if (!allowed) {
                    Map<String, Object> last = lastAuditEntry();
                    assertThat(last.get("outcome")).as(last.toString()).isEqualTo("refused");
                    assertThat(last.get("actor")).isEqualTo("admin token " + id(CALLERS.get(held)));
                  }
                }));
      }
    }
    return tests.stream();
  }

  @Test
  void apiTokensAndAnonymousCallersReachNoRoute() throws Exception {
    for (Route route : ROUTES) {
      Targets targets = targets();
      String path = route.path().apply(targets);
      String body = route.body().apply(targets);
      assertThat(call(route.method(), path, body, null).statusCode()).isEqualTo(401);
      HttpResponse<String> api =
          Cli.send(request(route.method(), path, body), "x-apikey", apiToken);
      assertThat(api.statusCode()).as(route.name()).isIn(401, 403);
    }
  }

  @Test
  void aTokensAdminCannotMintAManageTokenInRemoteMode() {
    // The reproduction from the issue: --ops tokens, then remote add-admintoken --ops manage.
    String tokensAdmin = cli.run("add-admintoken", "--ops", "tokens").token();
    String manageId = id(cli.run("add-admintoken", "--ops", "manage").token());
    Cli remote = new Cli(dir.resolve("remote"));
    remote.env.put("GATEHOUSE_SERVER", serve.server.uri().toString());
    remote.env.put("GATEHOUSE_ADMINTOKEN", tokensAdmin);

    Cli.Result minted = remote.run("add-admintoken", "--ops", "manage");
    assertThat(minted.code()).as(minted.toString()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(minted.out()).doesNotContain("gha_");
    assertThat(minted.err()).contains("may not grant 'manage'");

    Cli.Result rotated = remote.run("rotate", manageId);
    assertThat(rotated.code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(rotated.out()).doesNotContain("gha_");
    assertThat(remote.run("revoke", manageId).code()).isEqualTo(Main.EXIT_REFUSED);
    assertThat(remote.run("trust-proxy", "10.0.0.0/8").code()).isEqualTo(Main.EXIT_REFUSED);

    // What it may do: API tokens, and admin tokens with no more than it holds.
    assertThat(remote.run("add-token").code()).isZero();
    assertThat(remote.run("add-admintoken", "--ops", "tokens").code()).isZero();
    assertThat(remote.run("tokens").out()).contains(manageId);
  }

  private static Targets targets() throws Exception {
    return new Targets(
        create("{\"kind\":\"api\"}"),
        create("{\"kind\":\"admin\",\"permissions\":[\"manage\"]}"),
        create("{\"kind\":\"admin\",\"permissions\":[\"deploy\"]}"));
  }

  private static String create(String body) throws Exception {
    HttpResponse<String> created = call("POST", "/tokens", body, root);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Json.string(Json.parse(created.body()), "token");
  }

  /** The audit log's newest entry, read with the root token. */
  private static Map<String, Object> lastAuditEntry() throws Exception {
    String since = java.time.Instant.now().minusSeconds(30).toString();
    HttpResponse<String> audit = call("GET", "/audit?since=" + since, "", root);
    assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
    List<Map<String, Object>> entries = Json.objects(Json.parse(audit.body()), "entries");
    assertThat(entries).isNotEmpty();
    return entries.get(entries.size() - 1);
  }

  @Test
  void theAuditLogRecordsChangesThroughTheApiWithTheCallersAddressAndVerifies() throws Exception {
    String caller = CALLERS.get(Set.of("manage"));
    HttpResponse<String> allowed =
        call("POST", "/whitelist", "{\"cidrs\":[\"127.0.0.0/8\",\"192.0.2.9\"]}", caller);
    assertThat(allowed.statusCode()).isEqualTo(200);

    Map<String, Object> last = lastAuditEntry();
    assertThat(last.get("action")).isEqualTo("allow");
    assertThat(last.get("target")).isEqualTo("127.0.0.0/8 192.0.2.9");
    assertThat(last.get("outcome")).isEqualTo("ok");
    assertThat(last.get("actor")).isEqualTo("admin token " + id(caller));
    assertThat(last.get("clientAddress")).isEqualTo("127.0.0.1");

    Cli.Result listed = cli.run("audit", "--since", "1h", "--verify");
    assertThat(listed.code()).as(listed.toString()).isZero();
    assertThat(listed.out()).contains("admin token " + id(caller) + " from 127.0.0.1  allow");
    assertThat(listed.out()).containsPattern("audit chain verified: \\d+ entries");

    Cli remote = new Cli(dir.resolve("remote-audit"));
    remote.env.put("GATEHOUSE_SERVER", serve.server.uri().toString());
    remote.env.put("GATEHOUSE_ADMINTOKEN", CALLERS.get(Set.of("audit")));
    Cli.Result remoteListed = remote.run("audit", "--verify");
    assertThat(remoteListed.code()).as(remoteListed.toString()).isZero();
    assertThat(remoteListed.out()).contains("127.0.0.0/8 192.0.2.9  ok");
    assertThat(remoteListed.out()).containsPattern("audit chain verified: \\d+ entries");
    remote.env.put("GATEHOUSE_ADMINTOKEN", CALLERS.get(Set.of("settings")));
    assertThat(remote.run("audit").code()).isEqualTo(Main.EXIT_REFUSED);
  }

  private static String status(String id) throws Exception {
    HttpResponse<String> list = call("GET", "/tokens", "", root);
    for (Map<String, Object> token : Json.objects(Json.parse(list.body()), "tokens")) {
      if (id.equals(token.get("id"))) {
        return Json.string(token, "status");
      }
    }
    throw new AssertionError("no token " + id);
  }

  /** The id inside a Gatehouse token: the ten characters after the prefix. */
  static String id(String token) {
    return token.substring(4, 14);
  }

  private static HttpResponse<String> call(
      String method, String path, String body, @org.jspecify.annotations.Nullable String token)
      throws Exception {
    HttpRequest.Builder request = request(method, path, body);
    return token == null
        ? Cli.send(request)
        : Cli.send(request, "Authorization", "Bearer " + token);
  }

  private static HttpRequest.Builder request(String method, String path, String body) {
    // Routes outside the admin API (the metrics) are given from the root.
    URI uri = serve.uri(path.startsWith("/_admin/") ? path : AdminServlet.PREFIX + path);
    HttpRequest.BodyPublisher publisher =
        body.isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, publisher);
    if (!body.isEmpty()) {
      request.header("Content-Type", "application/json");
    }
    return request;
  }
}
