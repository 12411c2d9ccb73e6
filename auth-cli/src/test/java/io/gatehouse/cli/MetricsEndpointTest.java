package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: after N allowed and M refused requests through a real {@code serve}, {@code
 * /_admin/metrics} holds exactly those counts by reason, for an admin token holding {@code
 * metrics}.
 */
class MetricsEndpointTest {
  private static final Pattern SAMPLE =
      Pattern.compile("^gatehouse_decisions_total\\{([^}]*)\\} ([0-9.E]+)$", Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void theScrapeHoldsExactlyTheAllowedAndRefusedCountsByReason() throws Exception {
    Cli cli = new Cli(dir);
    String scraper = cli.run("add-admintoken", "--ops", "metrics", "--name", "prometheus").token();
    String settingsAdmin = cli.run("add-admintoken", "--ops", "settings").token();
    String token = cli.run("add-token").token();
    String reader = cli.run("add-token", "--readonly").token();
    try (Cli.Running serve = cli.start("serve", "--port", "0")) {
      int allowed = 6;
      for (int i = 0; i < allowed; i++) {
        assertThat(call(serve, "GET", "/api/hello", "x-apikey", token)).isEqualTo(200);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(call(serve, "GET", "/api/hello", null, null)).isEqualTo(401);
      }
      for (int i = 0; i < 2; i++) {
        assertThat(call(serve, "POST", "/api/items", "x-apikey", reader)).isEqualTo(403);
      }
      String malformed = token.substring(0, token.length() - 1) + (token.endsWith("a") ? "b" : "a");
      assertThat(call(serve, "GET", "/api/hello", "x-apikey", malformed)).isEqualTo(401);

      assertThat(scrape(serve, null).statusCode()).isEqualTo(401);
      assertThat(scrape(serve, settingsAdmin).statusCode()).isEqualTo(403);
      assertThat(scrape(serve, token).statusCode()).isIn(401, 403);
      HttpResponse<String> scraped = scrape(serve, scraper);
      assertThat(scraped.statusCode()).isEqualTo(200);
      assertThat(scraped.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
      // The admin plane's decisions count too (its pipeline has the app's listeners): the three
      // refused scrapes and this one, which is counted before its own answer is written.
      Map<String, Double> byReason = countsBy(scraped.body(), "reason");
      assertThat(byReason)
          .isEqualTo(
              Map.of(
                  "allowed", allowed + 1.0,
                  "missing_credentials", 3 + 1.0,
                  "insufficient_access", 2 + 1.0,
                  "malformed", 1 + 1.0));
      assertThat(countsBy(scraped.body(), "status"))
          .isEqualTo(Map.of("200", allowed + 1.0, "401", 3 + 1 + 1 + 1.0, "403", 2 + 1.0));
      assertThat(scraped.body())
          .doesNotContain(token)
          .doesNotContain(reader)
          .doesNotContain("/api/hello");
      HttpResponse<String> posted =
          Cli.send(
              HttpRequest.newBuilder(serve.uri("/_admin/metrics"))
                  .POST(HttpRequest.BodyPublishers.noBody()),
              "Authorization",
              "Bearer " + scraper);
      assertThat(posted.statusCode()).isIn(403, 405);
    }
  }

  private static int call(
      Cli.Running serve,
      String method,
      String path,
      @org.jspecify.annotations.Nullable String header,
      @org.jspecify.annotations.Nullable String value)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(serve.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
    return header == null || value == null
        ? Cli.send(request).statusCode()
        : Cli.send(request, header, value).statusCode();
  }

  private static HttpResponse<String> scrape(
      Cli.Running serve, @org.jspecify.annotations.Nullable String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(serve.uri("/_admin/metrics"));
    return token == null
        ? Cli.send(request)
        : Cli.send(request, "Authorization", "Bearer " + token);
  }

  private static Map<String, Double> countsBy(String scrape, String label) {
    Map<String, Double> counts = new TreeMap<>();
    Matcher sample = SAMPLE.matcher(scrape);
    Pattern labelValue = Pattern.compile("(?:^|,)" + label + "=\"([^\"]*)\"");
    while (sample.find()) {
      Matcher value = labelValue.matcher(sample.group(1));
      if (value.find()) {
        counts.merge(value.group(1), Double.parseDouble(sample.group(2)), Double::sum);
      }
    }
    return counts;
  }
}
