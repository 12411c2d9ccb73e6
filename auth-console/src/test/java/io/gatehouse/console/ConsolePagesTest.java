package io.gatehouse.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Gatehouse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The static UI: served from the jar with strict headers, and written so the CSP can be strict. */
class ConsolePagesTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private static ConsoleApp app;

  @BeforeAll
  static void start() throws Exception {
    app = new ConsoleApp();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void everyPageAndAssetCarriesTheStrictHeaders() throws Exception {
    for (String path :
        List.of(
            "/_admin/",
            "/_admin/index.html",
            "/_admin/app.js",
            "/_admin/app.css",
            "/_admin/session")) {
      HttpResponse<String> response = get(path);
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .hasValue(
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }
    assertThat(get("/_admin/").headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/html");
    assertThat(get("/_admin/app.js").headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    assertThat(get("/_admin/app.css").headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/css");
    assertThat(get("/_admin/favicon.svg").statusCode()).isEqualTo(200);
  }

  @Test
  void theHtmlHasNoInlineScriptStyleOrHandlersAndNoThirdPartyAsset() throws Exception {
    String html = get("/_admin/").body();
    assertThat(html).contains("<script src=\"app.js\" defer></script>");
    assertThat(html.split("<script", -1)).hasSize(2); // exactly one script element, external
    assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
    assertThat(html).doesNotContainPattern("(?i)\\sstyle\\s*=");
    assertThat(html).doesNotContainPattern("(?i)<style");
    assertThat(html).doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
    assertThat(html)
        .contains("Please copy this now and keep it secret. It will never be shown in full again.");
    String js = get("/_admin/app.js").body().replaceAll("(?m)^\\s*//.*$", ""); // code, not comments
    assertThat(js)
        .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "document.write");
    assertThat(js).doesNotContain("localStorage", "sessionStorage", "indexedDB");
    assertThat(js).doesNotContainPattern("https?://");
  }

  @Test
  void routing() throws Exception {
    HttpResponse<String> bare = get("/_admin");
    assertThat(bare.statusCode()).isEqualTo(308);
    assertThat(bare.headers().firstValue("Location")).hasValue("/_admin/");
    assertThat(get("/_admin/nope.js").statusCode()).isEqualTo(404);
    assertThat(get("/_admin/../etc/passwd").statusCode()).isIn(400, 404);
    HttpResponse<String> post =
        HTTP.send(
            HttpRequest.newBuilder(app.uri("/_admin/app.js"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    HttpResponse<String> head =
        HTTP.send(
            HttpRequest.newBuilder(app.uri("/_admin/app.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    for (String path : List.of("/_admin/session/space", "/_admin/jwks-test")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(405);
    }
    HttpResponse<String> put =
        HTTP.send(
            HttpRequest.newBuilder(app.uri("/_admin/session"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
  }

  @Test
  void theBuilderNamesBadValues() {
    Gatehouse gatehouse = Gatehouse.builder().build();
    assertThatThrownBy(() -> AdminConsole.builder(gatehouse).idleTimeout(Duration.ZERO))
        .hasMessageContaining("idleTimeout must be positive");
    assertThatThrownBy(() -> AdminConsole.builder(gatehouse).maxSessions(0))
        .hasMessageContaining("maxSessions must be at least 1, was 0");
    assertThatThrownBy(() -> AdminConsole.builder(gatehouse).spaceHeader("x space"))
        .hasMessageContaining("'x space'");
    assertThatThrownBy(
            () ->
                AdminConsole.builder(gatehouse)
                    .idleTimeout(Duration.ofHours(2))
                    .absoluteTimeout(Duration.ofHours(1))
                    .build())
        .hasMessageContaining("idleTimeout PT2H is longer than absoluteTimeout PT1H");
    AdminConsole console =
        AdminConsole.builder(gatehouse)
            .signInTimeout(Duration.ofSeconds(3))
            .fetchTimeout(Duration.ofSeconds(2))
            .nanoTicker(System::nanoTime)
            .signInAllowed(identity -> true)
            .testFetchAllowed(identity -> true)
            .build();
    assertThat(console.authenticator().id()).isEqualTo("console");
    assertThat(console.sessions().activeSessions()).isZero();
    assertThat(console.servlet()).isNotNull();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(app.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
