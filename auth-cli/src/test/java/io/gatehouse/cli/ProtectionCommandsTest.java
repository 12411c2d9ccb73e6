package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse throttle}, {@code gatehouse browsers} and {@code add-token --origins}. */
class ProtectionCommandsTest {
  @TempDir Path dir;
  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(dir);
  }

  @Test
  void throttleShowsChangesAndResetsTheSpacesPolicy() {
    assertThat(cli.run("throttle").out())
        .contains("Failed-credential throttle in space 'dev'")
        .contains("20 refused credentials per address, then 1/3s");

    Cli.Result changed = cli.run("throttle", "--failures", "5", "--refill", "2/1m");
    assertThat(changed.code()).as(changed.toString()).isZero();
    assertThat(changed.out()).contains("5 refused credentials per address, then 2/1m");
    assertThat(cli.run("throttle", "--off").out()).contains("off (when on: 5 refused");
    assertThat(cli.run("throttle").out()).contains("off");
    assertThat(cli.run("throttle", "--on").out()).contains(": 5 refused credentials");
    assertThat(cli.run("throttle", "--default").out()).contains("20 refused credentials");

    Cli.Result bad = cli.run("throttle", "--refill", "fast");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("COUNT/PERIOD");
    assertThat(cli.run("throttle", "--off", "--on").code()).isNotZero();
    assertThat(cli.run("throttle", "--failures", "0").err()).contains("failures");
  }

  @Test
  void browsersSwitchesTheSpace() {
    assertThat(cli.run("browsers").out()).contains("refused from web pages unless");
    assertThat(cli.run("browsers", "--allow").out()).contains("allowed from any web page");
    assertThat(cli.run("browsers").out()).contains("allowed from any web page");
    assertThat(cli.run("browsers", "--refuse").out()).contains("refused from web pages");
    assertThat(cli.run("browsers", "--allow", "--refuse").code()).isNotZero();
  }

  @Test
  void addTokenTakesOriginsAndTokensListsThem() {
    Cli.Result plain = cli.run("add-token", "--name", "srv");
    assertThat(cli.run("tokens").out()).doesNotContain("ORIGINS");

    Cli.Result spa =
        cli.run(
            "add-token",
            "--name",
            "spa",
            "--origins",
            "https://App.example.com,http://localhost:5173");
    Cli.Result admin =
        cli.run("add-admintoken", "--ops", "deploy", "--origins", "https://ci.example.com");
    assertThat(spa.code()).as(spa.toString()).isZero();
    assertThat(admin.code()).as(admin.toString()).isZero();
    String list = cli.run("tokens").out();
    assertThat(list)
        .contains("ORIGINS")
        .contains("https://app.example.com,http://localhost:5173")
        .contains("https://ci.example.com");
    assertThat(plain.code()).isZero();

    Cli.Result bad = cli.run("add-token", "--origins", "app.example.com");
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).contains("is not an origin");
  }
}
