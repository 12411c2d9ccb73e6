package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.testkit.RawHttp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions, CSRF and the admin API's permission check through a real Jetty server. */
class ConsoleSessionsHttpTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private ConsoleApp app;

  @BeforeEach
  void start() throws Exception {
    app = new ConsoleApp();
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void noSessionAndNoTokenIs401() throws Exception {
    assertThat(send("GET", "/_admin/api/settings", null, null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/_admin/session", null, null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void signInSetsAStrictHttpOnlyCookieAndReturnsTheCsrfTokenButNeverTheToken() throws Exception {
    String token = app.adminToken("default", "manage");
    HttpResponse<String> response = signIn(token, null);

    assertThat(response.statusCode()).isEqualTo(200);
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith(ConsoleSessions.COOKIE + "=")
        .contains("; Path=/_admin", "; HttpOnly", "; SameSite=Strict")
        .doesNotContain("Secure", "Max-Age");
    String sessionId = cookieValue(setCookie);
    assertThat(sessionId).matches("[A-Za-z0-9_-]{43}"); // 256 bits, base64url
    Map<String, Object> body = StrictJson.parseObject(response.body());
    assertThat(body.get("space")).isEqualTo("default");
    assertThat(body.get("spaces")).isEqualTo(List.of("default"));
    assertThat(body.get("permissions")).isEqualTo(List.of("manage"));
    assertThat((String) body.get("csrf")).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(sessionId);
    assertThat(response.body()).doesNotContain(token);
    assertThat(response.headers().map().toString()).doesNotContain(token);
  }

  @Test
  void aSessionReadsFreelyButChangesStateOnlyWithItsCsrfToken() throws Exception {
    Signed signed = signedIn(app.adminToken("default", "manage"));

    HttpResponse<String> read = send("GET", "/_admin/api/settings", signed.cookie(), null, null);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).contains("\"space\":\"default\"", "\"via\":\"admintoken\"");

    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      HttpResponse<String> noCsrf =
          send(method, "/_admin/api/whitelist", signed.cookie(), null, "{}");
      assertThat(noCsrf.statusCode()).as(method).isEqualTo(403);
      assertThat(noCsrf.body()).contains("insufficient_access", "X-CSRF-Token");
      HttpResponse<String> wrong =
          send(method, "/_admin/api/whitelist", signed.cookie(), signed.csrf() + "x", "{}");
      assertThat(wrong.statusCode()).as(method).isEqualTo(403);
      HttpResponse<String> right =
          send(method, "/_admin/api/whitelist", signed.cookie(), signed.csrf(), "{}");
      assertThat(right.statusCode()).as(method).isEqualTo(200);
      assertThat(right.body()).contains("\"method\":\"" + method + "\"");
    }
  }

  @Test
  void aMethodOverrideThatChangesStateNeedsTheCsrfTokenToo() throws Exception {
    Signed signed = signedIn(app.adminToken("default", "manage"));
    List<HttpRequest.Builder> overridden =
        List.of(
            HttpRequest.newBuilder(app.uri("/_admin/api/whitelist"))
                .header("X-HTTP-Method-Override", "DELETE"),
            HttpRequest.newBuilder(app.uri("/_admin/api/whitelist"))
                .header("X-HTTP-Method", "GET, PUT"),
            HttpRequest.newBuilder(app.uri("/_admin/api/whitelist"))
                .header("X-Method-Override", "patch"),
            HttpRequest.newBuilder(app.uri("/_admin/api/whitelist?_method=DELETE")),
            HttpRequest.newBuilder(app.uri("/_admin/api/whitelist?%5Fmethod=DELETE")));
    for (HttpRequest.Builder request : overridden) {
      request.header("Cookie", signed.cookie());
      HttpRequest withoutCsrf = request.copy().GET().build();
      HttpResponse<String> refused = http.send(withoutCsrf, HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode())
          .as(withoutCsrf.headers() + " " + withoutCsrf.uri())
          .isEqualTo(403);
      assertThat(refused.body()).contains("X-CSRF-Token");
      HttpRequest withCsrf =
          request.copy().header(ConsoleSessions.CSRF_HEADER, signed.csrf()).GET().build();
      assertThat(http.send(withCsrf, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
    HttpRequest safeOverride =
        HttpRequest.newBuilder(app.uri("/_admin/api/whitelist?_method=HEAD"))
            .header("Cookie", signed.cookie())
            .header("X-HTTP-Method-Override", "GET")
            .build();
    assertThat(http.send(safeOverride, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aSessionWithoutThePermissionIs403() throws Exception {
    Signed tokensOnly = signedIn(app.adminToken("default", "tokens"));

    assertThat(send("GET", "/_admin/api/tokens", tokensOnly.cookie(), null, null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> settings =
        send("PUT", "/_admin/api/jwks", tokensOnly.cookie(), tokensOnly.csrf(), "{}");
    assertThat(settings.statusCode()).isEqualTo(403);
    assertThat(settings.body()).contains("permission");
  }

  @Test
  void badSignInsGetNoCookie() throws Exception {
    String apiToken = app.apiToken("default");
    String otherSpace = app.adminToken("other", "manage");
    String revoked = app.adminToken("default", "manage");
    app.keys.revoke(revoked);

    for (String token : List.of("gha_not-a-real-token", apiToken, otherSpace, revoked, " ")) {
      HttpResponse<String> response = signIn(token, null);
      assertThat(response.statusCode()).as(token).isIn(400, 401, 403);
      assertThat(response.headers().firstValue("Set-Cookie")).as(token).isEmpty();
      assertThat(response.body()).doesNotContain(token.strip().isEmpty() ? "\u0000" : token);
    }
    assertThat(app.console.sessions().activeSessions()).isZero();
  }

  /** An answer that leaves the body unread must say whether the connection survives it. */
  @Test
  void aRefusedSignInKeepsTheConnectionOnlyWhenItsBodyIsAlreadyIn() throws Exception {
    String head =
        String.join(
            "\r\n",
            "POST /_admin/session HTTP/1.1",
            "Host: localhost",
            "Content-Type: text/plain",
            "Content-Length: 12",
            "",
            "");
    try (RawHttp raw = new RawHttp(app.port)) {
      raw.send(head + "{\"token\":\"\"}");
      RawHttp.Response refused = raw.read();
      assertThat(refused.status()).isEqualTo(415);
      assertThat(refused.header("Connection")).doesNotContain("close");
      raw.send("GET /_admin/session HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(401);
    }
    try (RawHttp raw = new RawHttp(app.port)) {
      raw.send(head);
      RawHttp.Response refused = raw.read();
      assertThat(refused.status()).isEqualTo(415);
      assertThat(refused.header("Connection")).containsExactly("close");
    }
  }

  @Test
  void anAddressThatKeepsGuessingIsHeldOffWithoutLearningWhetherItsTokenWasRight()
      throws Exception {
    String good = app.adminToken("default", "manage");
    String wrongGuess = app.adminToken("default", "manage");
    app.keys.revoke(wrongGuess); // well-formed and known to the store, so each guess costs a lookup
    for (int i = 0; i < 10; i++) {
      assertThat(signIn(wrongGuess, null).statusCode()).as("guess %d", i).isEqualTo(401);
    }

    HttpResponse<String> held = signIn(good, null);
    assertThat(held.statusCode()).isEqualTo(429);
    assertThat(held.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(held.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(held.body()).contains("too many failed sign-ins").doesNotContain(good);
    assertThat(app.console.sessions().activeSessions()).isZero();

    app.clock.advance(java.time.Duration.ofSeconds(30)); // one failure forgiven
    assertThat(signIn(good, null).statusCode()).isEqualTo(200);
    assertThat(signIn(wrongGuess, null).statusCode()).isEqualTo(401);
    assertThat(signIn(good, null).statusCode()).isEqualTo(429);
  }

  /** Issue 11 item 4: the throttle is checked before the token is looked up. */
  @Test
  void aHeldOffAddressCostsTheStoreNoRead() throws Exception {
    app.close();
    InstrumentedStore store = new InstrumentedStore(TokenStores.inMemory());
    app =
        new ConsoleApp(store.store(), builder -> builder.failedSignIns(3, Duration.ofSeconds(30)));
    String wrongGuess = app.adminToken("default", "manage");
    app.keys.revoke(wrongGuess);
    for (int i = 0; i < 3; i++) {
      assertThat(signIn(wrongGuess, null).statusCode()).as("guess %d", i).isEqualTo(401);
    }
    // Tokens never looked up before, so nothing about them is cached: on main each cost a read.
    List<String> fresh =
        List.of(
            app.adminToken("default", "manage"),
            app.adminToken("default", "tokens"),
            app.adminToken("other", "manage"),
            wrongGuess,
            "gha_not-a-real-token");
    int readsBefore = store.reads();

    for (String token : fresh) {
      HttpResponse<String> held = signIn(token, null);
      assertThat(held.statusCode()).as(token).isEqualTo(429);
      assertThat(held.headers().firstValue("Retry-After")).as(token).hasValue("30");
      assertThat(held.headers().firstValue("Set-Cookie")).as(token).isEmpty();
      assertThat(held.body()).as(token).contains("too many failed sign-ins").doesNotContain(token);
    }
    assertThat(store.reads() - readsBefore).as("store reads while held off").isZero();

    app.clock.advance(Duration.ofSeconds(30)); // one failure forgiven: the next try is looked up
    assertThat(signIn(fresh.get(0), null).statusCode()).isEqualTo(200);
    assertThat(store.reads()).isGreaterThan(readsBefore);
  }

  @Test
  void signInMustBeJsonFromTheSameOrigin() throws Exception {
    String token = app.adminToken("default", "manage");
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(app.uri("/_admin/session"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(415);
    HttpResponse<String> crossSite =
        http.send(
            HttpRequest.newBuilder(app.uri("/_admin/session"))
                .header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(crossSite.statusCode()).isEqualTo(403);
    HttpResponse<String> sameSite =
        http.send(
            HttpRequest.newBuilder(app.uri("/_admin/session"))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Origin", "http://127.0.0.1:" + app.port)
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(sameSite.statusCode()).isEqualTo(200);
    for (String body :
        List.of("", "[]", "{\"token\":5}", "{\"token\":\"" + "a".repeat(2000) + "\"}", "{")) {
      assertThat(postJson("/_admin/session", null, null, body).statusCode())
          .as(body)
          .isEqualTo(400);
    }
  }

  /**
   * Issue 12, one JSON library: bodies are read by jose4j behind StrictJson's strict check. A
   * malformed body is a clean 400 with a JSON message that quotes none of it, and signs no one in.
   * A repeated "token" (MiniJson kept the last one) is refused too.
   */
  @Test
  void malformedSignInBodiesAreA400WithAMessageAndNoSession() throws Exception {
    String token = app.adminToken("default", "manage");
    String member = "\"token\":\"" + token + "\"";
    String head = "{" + member + ",";
    int at = head.length();
    Map<String, String> bodies = new java.util.LinkedHashMap<>();
    bodies.put(head + member + "}", "invalid JSON: a member name appears twice");
    bodies.put(head + "}", "invalid JSON at offset " + at + ": expected a quoted member name");
    bodies.put(
        head + "\"n\":1e400}", "invalid JSON at offset " + (at + 4) + ": number out of range");
    bodies.put(
        head + "\"a\":" + "[".repeat(4000) + "]".repeat(4000) + "}",
        "invalid JSON at offset " + (at + 4 + 31) + ": JSON nested deeper than 32 levels");
    bodies.put(
        head + "\"a\":\"\u0001\"}",
        "invalid JSON at offset " + (at + 5) + ": control character in a string");
    bodies.put("[\"" + token + "\"]", "expected a JSON object");
    for (Map.Entry<String, String> bad : bodies.entrySet()) {
      HttpResponse<String> response = postJson("/_admin/session", null, null, bad.getKey());

      assertThat(response.statusCode()).as(bad.getValue()).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
      assertThat(StrictJson.parseObject(response.body()))
          .as(bad.getValue())
          .containsEntry("status", 400L)
          .containsEntry("error", bad.getValue());
      assertThat(response.body()).doesNotContain(token);
    }
  }

  @Test
  void sessionsExpireWhenIdleAndAtTheAbsoluteLimit() throws Exception {
    Signed signed = signedIn(app.adminToken("default", "manage"));
    for (int i = 0; i < 40; i++) { // 40 x 14 min = 9 h 20 min of steady use
      app.clock.advance(Duration.ofMinutes(14));
      int status = send("GET", "/_admin/api/settings", signed.cookie(), null, null).statusCode();
      if (i < 34) {
        assertThat(status).as("after %d min", (i + 1) * 14).isEqualTo(200);
      } else {
        assertThat(status).as("past 8 h").isEqualTo(401);
      }
    }
    Signed idle = signedIn(app.adminToken("default", "manage"));
    app.clock.advance(Duration.ofMinutes(15));
    HttpResponse<String> expired = send("GET", "/_admin/api/settings", idle.cookie(), null, null);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.body()).contains("unknown_credential");
    assertThat(app.console.sessions().activeSessions()).isZero();
  }

  @Test
  void aSessionEndsNoLaterThanItsAdminToken() throws Exception {
    String token =
        app.keys
            .create(
                io.gatehouse.apikey.NewToken.adminToken("default")
                    .permissions(List.of("manage"))
                    .expiresIn(Duration.ofMinutes(5))
                    .build())
            .token();
    Signed signed = signedIn(token);
    app.clock.advance(Duration.ofMinutes(4));
    assertThat(send("GET", "/_admin/api/x", signed.cookie(), null, null).statusCode())
        .isEqualTo(200);
    app.clock.advance(Duration.ofMinutes(2));
    assertThat(send("GET", "/_admin/api/x", signed.cookie(), null, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void signOutNeedsTheCsrfTokenAndEndsTheSession() throws Exception {
    Signed signed = signedIn(app.adminToken("default", "manage"));
    assertThat(send("DELETE", "/_admin/session", signed.cookie(), null, null).statusCode())
        .isEqualTo(403);
    HttpResponse<String> out =
        send("DELETE", "/_admin/session", signed.cookie(), signed.csrf(), null);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow())
        .contains(ConsoleSessions.COOKIE + "=;", "Max-Age=0");
    assertThat(send("GET", "/_admin/api/settings", signed.cookie(), null, null).statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/_admin/session", signed.cookie(), null, null).statusCode())
        .isEqualTo(401);
    assertThat(send("DELETE", "/_admin/session", signed.cookie(), signed.csrf(), null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aSecondSignInAddsASpaceUnderANewSessionIdAndTheSwitcherPicksIt() throws Exception {
    Signed first = signedIn(app.adminToken("default", "manage"));
    HttpResponse<String> second =
        signIn(app.adminToken("staging", "manage"), first.cookie(), "staging");
    assertThat(second.statusCode()).isEqualTo(200);
    Signed both = signed(second);
    assertThat(both.cookie()).isNotEqualTo(first.cookie());
    assertThat(send("GET", "/_admin/api/x", first.cookie(), null, null).statusCode())
        .isEqualTo(401);
    assertThat(StrictJson.parseObject(second.body()).get("spaces"))
        .isEqualTo(List.of("default", "staging"));
    assertThat(sendInSpace("staging", both.cookie()).body()).contains("\"space\":\"staging\"");
    assertThat(sendInSpace("default", both.cookie()).body()).contains("\"space\":\"default\"");
    HttpResponse<String> notSignedIn = sendInSpace("prod", both.cookie());
    assertThat(notSignedIn.statusCode()).isEqualTo(403);
    assertThat(notSignedIn.body()).contains("not signed into space 'prod'");

    assertThat(
            postJson("/_admin/session/space", both.cookie(), null, "{\"space\":\"default\"}")
                .statusCode())
        .isEqualTo(403);
    assertThat(
            postJson("/_admin/session/space", both.cookie(), both.csrf(), "{\"space\":\"prod\"}")
                .statusCode())
        .isEqualTo(404);
    HttpResponse<String> switched =
        postJson("/_admin/session/space", both.cookie(), both.csrf(), "{\"space\":\"default\"}");
    assertThat(switched.statusCode()).isEqualTo(200);
    assertThat(StrictJson.parseObject(switched.body()))
        .containsEntry("space", "default")
        .containsEntry("spaceHeader", "x-space");
  }

  private HttpResponse<String> sendInSpace(String space, String cookie) throws Exception {
    return http.send(
        HttpRequest.newBuilder(app.uri("/_admin/api/x"))
            .header("Cookie", cookie)
            .header("x-space", space)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void endingTheSessionsOfARevokedAdminToken() throws Exception {
    String token = app.adminToken("default", "manage");
    Signed signed = signedIn(token);
    String id = (String) StrictJson.parseObject(signIn(token, null).body()).get("credentialId");
    assertThat(app.console.sessions().endSessionsOf(id)).isEqualTo(2);
    assertThat(send("GET", "/_admin/api/x", signed.cookie(), null, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aCookieSentTwiceOrUnknownIsRefused() throws Exception {
    Signed signed = signedIn(app.adminToken("default", "manage"));
    HttpResponse<String> twice =
        send("GET", "/_admin/api/x", signed.cookie() + "; " + signed.cookie(), null, null);
    assertThat(twice.statusCode()).isEqualTo(401);
    assertThat(twice.body()).contains("malformed");
    HttpResponse<String> forged =
        send("GET", "/_admin/api/x", ConsoleSessions.COOKIE + "=" + "A".repeat(43), null, null);
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(send("GET", "/_admin/api/x", "other=1; theme=dark", null, null).statusCode())
        .isEqualTo(401);
    // the CLI's way still works beside sessions
    HttpResponse<String> bearer =
        http.send(
            HttpRequest.newBuilder(app.uri("/_admin/api/x"))
                .header("Authorization", "Bearer " + app.adminToken("default", "manage"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bearer.statusCode()).isEqualTo(200);
  }

  @Test
  void secureCookiesWhenAskedFor() throws Exception {
    app.close();
    app = new ConsoleApp(AdminConsole.Builder::alwaysSecureCookie);
    String setCookie =
        signIn(app.adminToken("default", "manage"), null)
            .headers()
            .firstValue("Set-Cookie")
            .orElseThrow();
    assertThat(setCookie).contains("; Secure", "; HttpOnly", "; SameSite=Strict");
  }

  @Test
  void tooManySessionsIs503() throws Exception {
    app.close();
    app = new ConsoleApp(builder -> builder.maxSessions(2));
    String token = app.adminToken("default", "manage");
    assertThat(signIn(token, null).statusCode()).isEqualTo(200);
    assertThat(signIn(token, null).statusCode()).isEqualTo(200);
    HttpResponse<String> third = signIn(token, null);
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("Set-Cookie")).isEmpty();
  }

  // ---- helpers ----

  record Signed(String cookie, String csrf) {}

  private Signed signedIn(String token) throws Exception {
    HttpResponse<String> response = signIn(token, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return signed(response);
  }

  private static Signed signed(HttpResponse<String> response) {
    String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    return new Signed(
        ConsoleSessions.COOKIE + "=" + cookieValue(cookie),
        (String) StrictJson.parseObject(response.body()).get("csrf"));
  }

  private static String cookieValue(String setCookie) {
    return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
  }

  private HttpResponse<String> signIn(String token, String cookie) throws Exception {
    return signIn(token, cookie, null);
  }

  private HttpResponse<String> signIn(String token, String cookie, String space) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(app.uri("/_admin/session"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(StrictJson.write(Map.of("token", token))));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (space != null) {
      request.header("x-space", space);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String path, String cookie, String csrf, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(app.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (csrf != null) {
      request.header(ConsoleSessions.CSRF_HEADER, csrf);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(
      String method, String path, String cookie, String csrf, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(app.uri(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (csrf != null) {
      request.header(ConsoleSessions.CSRF_HEADER, csrf);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
