package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's "Embedding it" leads with the Jetty example's {@code embed} method: this fails when
 * the two drift apart. The code itself compiles with the example and runs in {@link
 * JettyServletExampleTest}.
 */
class ReadmeManagedGatehouseTest {

  @Test
  void theReadmeShowsTheJettyExamplesWiring() throws IOException {
    String source =
        Files.readString(Path.of("src/main/java/io/gatehouse/examples/JettyServletExample.java"));
    String sample =
        source.substring(
            source.indexOf("// README:begin") + "// README:begin".length(),
            source.indexOf("  // README:end"));
    String readme = Files.readString(Path.of("../README.md"));

    assertThat(sample).contains("ManagedGatehouse.builder", "managed.adminServlet()");
    assertThat(javaBlocks(readme).map(ReadmeManagedGatehouseTest::normalise))
        .as("a ```java block of the README holding exactly JettyServletExample.embed")
        .contains(normalise(sample));
  }

  @Test
  void theExamplesReadmeHasNoHandWrittenTokens() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).contains("add-token", "whitelist 192.0.2.0/24").doesNotContain("demo-");
  }

  private static Stream<String> javaBlocks(String markdown) {
    return Arrays.stream(markdown.split("```java\n", -1))
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
