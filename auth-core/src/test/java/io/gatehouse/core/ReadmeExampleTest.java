package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Holds the README's pipeline sample, runs it, and checks the README still shows this code. */
class ReadmeExampleTest {

  // README:begin
  /** Accepts tokens from a fixed table sent in an {@code x-token} header. */
  static final class TableTokens implements Authenticator {
    private final Map<String, Access> tokens;

    TableTokens(Map<String, Access> tokens) {
      this.tokens = Map.copyOf(tokens);
    }

    @Override
    public String id() {
      return "table";
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(AuthContext ctx) {
      String token = ctx.request().header("x-token");
      if (token == null) { // not my credential: let the next authenticator try
        return AuthOutcome.abstain(Challenge.apiKey("demo", "x-token")).completed();
      }
      Access access = tokens.get(token);
      if (access == null) { // presented but bad: final, nothing later can rescue it
        return AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown token").completed();
      }
      Identity who = Identity.builder("user-1", id(), ctx.space()).access(access).build();
      return AuthOutcome.success(who).completed();
    }
  }

  static Decision example(AuthRequest request) {
    Gatehouse gatehouse =
        Gatehouse.builder()
            .authenticator(new TableTokens(Map.of("s3cret-read-token", Access.READ)))
            .hook((ctx, identity) -> HookResult.proceed().completed()) // any DENY would win
            .build();
    Decision decision = gatehouse.decide(request).toCompletableFuture().join();
    System.out.println(decision.explain()); // why, stage by stage, no secret in it
    return decision;
  }

  // README:end

  @Test
  void theSampleDecidesAsTheReadmeSays() {
    AuthRequest read =
        AuthRequest.builder()
            .method("GET")
            .path("/items")
            .header("x-token", "s3cret-read-token")
            .build();
    AuthRequest write =
        AuthRequest.builder()
            .method("POST")
            .path("/items")
            .header("x-token", "s3cret-read-token")
            .build();
    AuthRequest unknown = AuthRequest.builder().header("x-token", "guess").build();

    assertThat(example(read).status()).isEqualTo(200);
    assertThat(example(write).status()).isEqualTo(403);
    assertThat(example(unknown).status()).isEqualTo(401);
    assertThat(example(AuthRequest.builder().build()).reason())
        .isEqualTo(Reason.MISSING_CREDENTIALS);
  }

  @Test
  void theReadmeShowsThisCode() throws IOException {
    Path self = Path.of("src/test/java/io/gatehouse/core/ReadmeExampleTest.java");
    String source = Files.readString(self);
    String sample =
        source.substring(
            source.indexOf("// README:begin") + "// README:begin".length(),
            source.indexOf("  // README:end"));
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(javaBlocks(readme).map(ReadmeExampleTest::normalise))
        .as("a ```java block of the README holding exactly this sample, nothing more")
        .contains(normalise(sample));
  }

  private static java.util.stream.Stream<String> javaBlocks(String markdown) {
    return java.util.Arrays.stream(markdown.split("```java\n", -1))
        .skip(1)
        .map(block -> block.substring(0, Math.max(0, block.indexOf("```"))));
  }

  /** Compares code regardless of indentation and blank lines. */
  private static String normalise(String text) {
    return text.lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .collect(Collectors.joining("\n"));
  }
}
