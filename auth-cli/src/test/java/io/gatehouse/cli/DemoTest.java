package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer path: {@code demo} on a fresh directory, then every printed curl line, run with the
 * JDK client exactly as written, answers with the status its comment claims.
 */
class DemoTest {
  private static final Pattern QUOTED_OR_WORD = Pattern.compile("'([^']*)'|(\\S+)");

  @TempDir Path dir;

  @Test
  void theCurlLinesGiveTheStatusesTheyClaim() throws Exception {
    Cli cli = new Cli(dir);
    try (Cli.Running demo = cli.start("demo", "--port", "0")) {
      List<String> lines = Cli.lines(demo.out.toString());
      assertThat(lines)
          .contains("Creating a READ_WRITE and a READ token in space 'dev' ...")
          .anyMatch(line -> line.startsWith("Gatehouse demo API is running on http://127.0.0.1:"));
      List<Integer> claimed = new ArrayList<>();
      int curls = 0;
      for (int i = 0; i < lines.size() - 1; i++) {
        Matcher comment = Pattern.compile("  # (\\d{3}): .*").matcher(lines.get(i));
        if (comment.matches() && lines.get(i + 1).startsWith("  curl ")) {
          int expected = Integer.parseInt(comment.group(1));
          assertThat(runCurl(lines.get(i + 1).strip())).as(lines.get(i + 1)).isEqualTo(expected);
          claimed.add(expected);
          curls++;
        }
      }
      assertThat(curls).isEqualTo(5);
      assertThat(claimed).contains(200, 401, 403);

      String check =
          lines.stream().filter(l -> l.contains("./gatehouse check")).findFirst().orElseThrow();
      List<String> args = words(check.strip());
      Cli.Result explained = cli.run(args.subList(1, args.size()).toArray(String[]::new));
      assertThat(explained.code()).isEqualTo(Main.EXIT_REFUSED);
      assertThat(explained.out()).startsWith("DENY 403 insufficient_access");
    }
    assertThat(new Cli(dir).run("tokens").out()).contains("demo-rw", "demo-read");
  }

  @Test
  void aReusedSpaceWithAddressRulesIsPointedOut() throws Exception {
    Cli cli = new Cli(dir);
    assertThat(cli.run("whitelist", "127.0.0.1", "10.0.0.0/8").code()).isZero();
    assertThat(cli.run("trust-proxy", "--hops", "1").code()).isZero();
    try (Cli.Running demo = cli.start("demo", "--port", "0")) {
      assertThat(demo.out.toString())
          .contains("has an allowlist (127.0.0.1/32, 10.0.0.0/8)")
          .contains("trusts proxies (1 hop");
    }
  }

  /** Runs {@code curl -i [-X M] URL [-H 'k: v'] [-d 'body']} with the JDK client. */
  private static int runCurl(String line) throws Exception {
    List<String> words = words(line);
    String method = "GET";
    URI uri = null;
    String body = null;
    List<String> headers = new ArrayList<>();
    for (int i = 1; i < words.size(); i++) {
      switch (words.get(i)) {
        case "-i" -> {}
        case "-X" -> method = words.get(++i);
        case "-H" -> headers.add(words.get(++i));
        case "-d" -> body = words.get(++i);
        default -> uri = URI.create(words.get(i));
      }
    }
    if (body != null && method.equals("GET")) {
      method = "POST"; // what curl does with -d
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    List<String> pairs = new ArrayList<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      pairs.add(header.substring(0, colon).strip());
      pairs.add(header.substring(colon + 1).strip());
    }
    return Cli.send(request, pairs.toArray(String[]::new)).statusCode();
  }

  private static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    Matcher matcher = QUOTED_OR_WORD.matcher(line);
    while (matcher.find()) {
      out.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }
    return out;
  }
}
