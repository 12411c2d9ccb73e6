package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stores on one database change the same space's settings at the same moment: both changes land
 * (no lost update), and a setting stored for the first time by both at once is no error.
 */
class SettingsUpdateRaceTest {
  private static final int ROUNDS = 12;
  private static EmbeddedPostgres postgres;

  @TempDir Path dir;

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void concurrentFirstWritesAndEditsOnPostgresAllLand() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("create database settings_race");
    }
    race(postgres.getJdbcUrl("postgres", "settings_race"));
  }

  @Test
  void concurrentFirstWritesAndEditsOnAnH2FileAllLand() throws Exception {
    race(io.gatehouse.apikey.TokenStores.h2Url(dir));
  }

  @Test
  void aRefusedChangeInANewSpaceDeclaresNothing() throws Exception {
    try (AdminStore store = AdminStore.builder(io.gatehouse.apikey.TokenStores.h2Url(dir)).open()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  store
                      .settings()
                      .update(
                          "fresh",
                          current -> {
                            throw new IllegalArgumentException("refused by the test");
                          }))
          .hasMessage("refused by the test");
      assertThat(store.settings().spaces()).doesNotContain("fresh");
      store.settings().update("fresh", current -> current);
      assertThat(store.settings().spaces()).contains("fresh");
    }
  }

  private static void race(String url) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (AdminStore one = AdminStore.builder(url).open();
        AdminStore two = AdminStore.builder(url).open()) {
      for (int round = 0; round < ROUNDS; round++) {
        String space = "race" + round; // fresh: no settings row exists yet
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<SpaceConfig>> writes = new ArrayList<>();
        String first = "10.0." + round + ".1";
        String second = "10.1." + round + ".1";
        writes.add(threads.submit(() -> allowAfter(start, one, space, first)));
        writes.add(threads.submit(() -> allowAfter(start, two, space, second)));
        for (Future<SpaceConfig> write : writes) {
          write.get(30, TimeUnit.SECONDS); // a duplicate-key failure would surface here
        }
        assertThat(one.management(space, Caller.operator()).settings().allow())
            .as("round %d", round)
            .containsExactlyInAnyOrder(first + "/32", second + "/32");
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static SpaceConfig allowAfter(
      CyclicBarrier start, AdminStore store, String space, String address) throws Exception {
    Management operator = store.management(space, Caller.operator());
    start.await(10, TimeUnit.SECONDS);
    return operator.allow(List.of(address));
  }
}
