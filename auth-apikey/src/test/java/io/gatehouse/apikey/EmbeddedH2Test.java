package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.testkit.LogCapture;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default H2 file store keeps its token hashes to the directory's owner. */
class EmbeddedH2Test {
  @TempDir Path dir;

  @Test
  void h2FileCreatesAnOwnerOnlyDirectoryAndOwnerOnlyFiles() throws Exception {
    assumeTrue(posix());
    Path store = dir.resolve("new/app-data");
    try (TokenStore tokens = TokenStores.h2File(store)) {
      assertThat(tokens).isNotNull();
      assertThat(mode(store)).isEqualTo("rwx------");
      List<Path> files = files(store);
      assertThat(files)
          .extracting(p -> p.getFileName().toString())
          .contains("gatehouse-tokens.mv.db");
      for (Path file : files) {
        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void anExistingDirectoryOpenToOthersIsLoggedAndLeftAsItIs() throws Exception {
    assumeTrue(posix());
    Path store = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-x---"));
    Path database = Files.writeString(store.resolve("gatehouse-tokens.trace.db"), "x");
    Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));
    Path notes = Files.writeString(store.resolve("notes.txt"), "x");
    Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(EmbeddedH2.secureDirectory(store, TokenStores.H2_FILE_NAME))
        .satisfiesExactly(
            directory -> assertThat(directory).contains(store.toString(), "rwxr-x---", "chmod 700"),
            file -> assertThat(file).contains(database.toString(), "rw-r--r--", "chmod 600"));

    try (LogCapture logs = new LogCapture();
        TokenStore tokens = TokenStores.h2File(store)) {
      assertThat(tokens).isNotNull();
      assertThat(logs.text()).contains("WARN", store.toString(), "chmod 700");
    }
    assertThat(mode(store)).isEqualTo("rwxr-x---");
    assertThat(mode(database)).isEqualTo("rw-------"); // the database's own files are restricted
    assertThat(mode(notes)).isEqualTo("rw-r--r--"); // other files are not the store's business
    assertThat(EmbeddedH2.secureDirectory(store, TokenStores.H2_FILE_NAME)).hasSize(1);
  }

  @Test
  void loopbackIsJudgedByTextAlone() {
    for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"}) {
      assertThat(EmbeddedH2.isLoopback(loopback)).as(loopback).isTrue();
    }
    for (String other :
        new String[] {
          "0.0.0.0", "", "10.0.0.1", "127.0.0.1.nip.io", "127.1", "localhost.example", "::"
        }) {
      assertThat(EmbeddedH2.isLoopback(other)).as(other).isFalse();
    }
  }

  @Test
  void autoServerUrlsAreRecognised() {
    assertThat(EmbeddedH2.opensAutoServer("jdbc:h2:file:/x/db;AUTO_SERVER=TRUE")).isTrue();
    assertThat(EmbeddedH2.opensAutoServer("jdbc:h2:file:/x/db;auto_server=true;MODE=X")).isTrue();
    assertThat(EmbeddedH2.opensAutoServer("jdbc:h2:file:/x/db")).isFalse();
    assertThat(EmbeddedH2.opensAutoServer("jdbc:postgresql://h/db?AUTO_SERVER=TRUE")).isFalse();
  }

  private static List<Path> files(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
