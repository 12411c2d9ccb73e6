package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code gatehouse limits} and the limit options of add-token / add-admintoken. */
class LimitsCommandTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  static String idOf(Cli cli) {
    String line = Cli.lines(cli.run("tokens").out()).get(1);
    return line.substring(0, line.indexOf(' '));
  }

  @Test
  void addTokenWithLimitsThenShowChangeAndClearThem() {
    Cli.Result added = cli.run("add-token", "--rate", "10/1s,1000/1h", "--uses", "500");
    assertThat(added.code()).as(added.toString()).isZero();
    assertThat(Cli.lines(added.out()))
        .element(1)
        .isEqualTo("Limits: rate 10/1s,1000/1h, uses 500 (500 left)");
    String id = idOf(cli);

    assertThat(cli.run("limits", id).out())
        .isEqualTo(id + ": rate 10/1s,1000/1h, uses 500 (500 left)\n");
    Cli.Result refill = cli.run("limits", id, "--refill", "500/30d");
    assertThat(refill.out())
        .startsWith(
            "Limits of " + id + ": rate 10/1s,1000/1h, uses 500 (500 left), refill 500/30d.");
    Cli.Result replaced = cli.run("limits", id, "--clear", "--uses", "3");
    assertThat(replaced.out()).startsWith("Limits of " + id + ": uses 3 (3 left).");
    Cli.Result defaults = cli.run("limits", "default", "--rate", "100/1m");
    assertThat(defaults.out()).startsWith("Limits of the space's default: rate 100/1m.");
    assertThat(cli.run("limits", id, "--clear").out()).startsWith("Limits of " + id + ": none.");
    assertThat(cli.run("limits", id).out()).contains("rate 100/1m (the space's default)");

    Cli.Result all = cli.run("limits");
    assertThat(all.code()).isZero();
    assertThat(Cli.lines(all.out()))
        .containsExactly("TOKEN        LIMITS", "default      rate 100/1m");

    Cli.Result admin = cli.run("add-admintoken", "--ops", "deploy", "--uses", "7");
    assertThat(admin.code()).isZero();
    assertThat(admin.out()).contains("Limits: uses 7 (7 left)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--rate|100/0s|must be positive",
        "--rate|1/1y|needs a unit s, m, h or d",
        "--rate|10/1m,20/60s|two rate limits with the same window 1m",
        "--rate|99999999999999999999/1s|too large",
        "--uses|-1|cannot be negative",
        "--refill|10/1d|a refill needs uses",
      })
  void badLimitsOnAddTokenCreateNothing(String option, String value, String message) {
    Cli.Result result = cli.run("add-token", option, value);

    assertThat(result.code()).as(result.toString()).isEqualTo(Main.EXIT_USAGE);
    assertThat(result.err()).contains(message);
    assertThat(result.out()).isEmpty();
    assertThat(cli.run("tokens").out()).startsWith("No tokens yet");
  }

  @Test
  void badUsageOfLimitsIsOneLine() {
    cli.run("add-token");
    String id = idOf(cli);
    Cli.Result noTarget = cli.run("limits", "--rate", "1/1s");
    Cli.Result unknown = cli.run("limits", "nosuchid00", "--rate", "1/1s");
    Cli.Result bad = cli.run("limits", id, "--rate", "1/1y");

    assertThat(noTarget.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(noTarget.err()).contains("name the token");
    assertThat(unknown.code()).as(unknown.toString()).isNotZero();
    assertThat(unknown.err()).contains("no token");
    assertThat(bad.code()).isEqualTo(Main.EXIT_USAGE);
    assertThat(Cli.lines(bad.err())).hasSize(1);
    assertThat(cli.run("limits", id).out()).isEqualTo(id + ": none\n");
  }
}
