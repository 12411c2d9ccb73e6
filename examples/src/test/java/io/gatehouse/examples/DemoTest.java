package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.apikey.TokenStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up banner tells the operator the exact {@code ./gatehouse} lines for this store. */
class DemoTest {
  @TempDir Path store;

  private String banner(boolean console) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Demo.printNextSteps(out, "Jetty example", store, 8080, console);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theBannerNamesTheStoreTheExampleOpens() {
    String banner = banner(true);
    String gatehouse = "./gatehouse --store " + store.toAbsolutePath().normalize();

    assertThat(banner)
        .contains("Jetty example on http://localhost:8080/")
        .contains("Store: " + TokenStores.h2Url(store))
        .contains(gatehouse + " add-token")
        .contains("curl -i -H 'x-apikey: ghk_...' http://localhost:8080/api/me")
        .contains(gatehouse + " whitelist 192.0.2.0/24")
        .contains(gatehouse + " whitelist --remove 192.0.2.0/24")
        .contains("http://localhost:8080/_admin/")
        .contains(gatehouse + " add-admintoken --ops manage");
  }

  @Test
  void withoutAConsoleTheBannerSaysWhere() {
    assertThat(banner(false)).doesNotContain("/_admin/").contains("No console here");
  }

  @Test
  void thePortComesFromTheFirstArgument() {
    assertThat(Demo.port(new String[] {"9090"}, 8080)).isEqualTo(9090);
    assertThat(Demo.port(new String[0], 8081)).isEqualTo(8081);
  }
}
