package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, the audit log: two stores on one database (as two instances or the CLI beside an app)
 * appending at the same time still make one chain, on an H2 file shared through AUTO_SERVER and on
 * PostgreSQL.
 */
class AuditInterleavingTest {
  private static final int PER_STORE = 30;
  private static EmbeddedPostgres postgres;

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void appendsFromTwoStoresOnOneH2FileStayOneChain(@TempDir Path dir) throws Exception {
    String url = io.gatehouse.apikey.TokenStores.h2Url(dir.resolve("store"));
    interleaveAndVerify(url);
  }

  @Test
  void appendsFromTwoStoresOnOnePostgresStayOneChain() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("create database audit_interleaving");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    interleaveAndVerify(postgres.getJdbcUrl("postgres", "audit_interleaving"));
  }

  private static void interleaveAndVerify(String url) throws Exception {
    try (AdminStore first = open(url);
        AdminStore second = open(url)) {
      // The settings row exists before the race (its first insert is the settings store's concern).
      first.management("dev", Caller.operator()).allow(List.of("10.0.0.1"));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      try {
        for (AdminStore store : List.of(first, second)) {
          String who = store == first ? "first" : "second";
          runs.add(
              pool.submit(
                  () -> {
                    start.await();
                    Management operator =
                        store.management(
                            "dev", new Caller("the operator", java.util.Set.of(), true, who));
                    for (int i = 0; i < PER_STORE; i++) {
                      operator.allow(List.of("10." + (who.equals("first") ? 1 : 2) + ".0." + i));
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> run : runs) {
          run.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      List<AuditEntry> entries = first.audit().since(Instant.EPOCH);
      assertThat(entries).hasSize(2 * PER_STORE + 1);
      assertThat(entries).extracting(AuditEntry::clientAddress).contains("first", "second");
      AuditLog.Verification verification = second.audit().verify();
      assertThat(verification.message()).isEqualTo("audit chain verified: 61 entries");
      assertThat(verification.ok()).isTrue();
    }
  }

  private static AdminStore open(String url) {
    return AdminStore.builder(url).pollInterval(Duration.ofSeconds(1)).open();
  }
}
