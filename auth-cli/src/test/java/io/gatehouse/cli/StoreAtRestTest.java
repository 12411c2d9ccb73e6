package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 store holds token hashes and HS secrets: its directory and files are the owner's
 * alone, and the port H2 opens so that the CLI and a running serve can share the file listens on
 * loopback only.
 */
class StoreAtRestTest {
  private static final Pattern LISTENING = Pattern.compile("Gatehouse demo API on (http://\\S+) ");

  @TempDir Path dir;

  @Test
  void theDefaultStoreDirectoryAndItsFilesAreOwnerOnly() throws Exception {
    assumeTrue(posix());
    Cli cli = new Cli(dir);
    assertThat(cli.run("jwt-secret", "--generate", "--issuer", "me", "--audience", "api").code())
        .isZero();
    cli.run("add-token").token();

    Path store = dir.resolve(StoreLocation.DEFAULT_DIRECTORY);
    assertThat(mode(store)).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(store)) {
      List<Path> all =
          files.filter(f -> f.getFileName().toString().startsWith("gatehouse-tokens.")).toList();
      assertThat(all)
          .extracting(p -> p.getFileName().toString())
          .contains("gatehouse-tokens.mv.db");
      for (Path file : all) {
        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
      }
    }
    assertThat(cli.run("tokens").err()).doesNotContain("warning");
  }

  @Test
  void anExistingStoreDirectoryOpenToOthersIsReportedNotChanged() throws Exception {
    assumeTrue(posix());
    Path store = dir.resolve("shared-store");
    Files.createDirectory(store);
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path readme = Files.writeString(store.resolve("README.md"), "not the store's\n");
    Files.setPosixFilePermissions(readme, PosixFilePermissions.fromString("rw-r--r--"));
    Cli cli = new Cli(dir);

    Cli.Result result = cli.run("--store", store.toString(), "add-token");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(result.err())
        .contains("warning", store.toAbsolutePath().toString(), "rwxr-xr-x", "chmod 700")
        .doesNotContain("README.md");
    assertThat(mode(store)).isEqualTo("rwxr-xr-x"); // the operator's choice, only reported
    assertThat(mode(readme)).isEqualTo("rw-r--r--"); // not a store file: left alone
    assertThat(mode(store.resolve("gatehouse-tokens.mv.db"))).isEqualTo("rw-------");
  }

  @Test
  void theSharedH2PortListensOnLoopbackOnly() throws Exception {
    Path store = dir.resolve("store");
    Process serve = startServe(store);
    try {
      awaitListening(serve);
      // This process shares the file through the port serve's H2 opened.
      Cli cli = new Cli(dir);
      Cli.Result added = cli.run("--store", store.toString(), "add-token", "--name", "shared");
      assertThat(added.code()).as(added.toString()).isZero();
      assertThat(cli.run("--store", store.toString(), "tokens").out()).contains("shared");

      int port = autoServerPort(store);
      try (Socket loopback = new Socket()) {
        loopback.connect(
            new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 2000);
      }
      List<InetAddress> elsewhere = new ArrayList<>(nonLoopbackAddresses());
      // On Linux all of 127.0.0.0/8 reaches this machine, but a socket bound to 127.0.0.1 alone
      // does not answer on 127.0.0.2: a stand-in for another interface that every host has.
      if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
        elsewhere.add(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
      }
      assumeTrue(!elsewhere.isEmpty(), "no address other than 127.0.0.1 to probe");
      for (InetAddress address : elsewhere) {
        assertThatThrownBy(
                () -> {
                  try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(address, port), 2000);
                  }
                })
            .as("H2 port %d reachable on %s", port, address)
            .isInstanceOf(IOException.class);
      }
    } finally {
      serve.destroy();
      if (!serve.waitFor(10, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
    }
  }

  /** The port H2 wrote into its lock file for other processes ("server=host:port"). */
  private static int autoServerPort(Path store) throws IOException {
    Properties lock = new Properties();
    try (Reader reader =
        Files.newBufferedReader(
            store.resolve("gatehouse-tokens.lock.db"), StandardCharsets.UTF_8)) {
      lock.load(reader);
    }
    String server = lock.getProperty("server");
    assertThat(server).as("lock file %s", lock).isNotNull();
    return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          addresses.add(address);
        }
      }
    }
    return addresses;
  }

  private static Process startServe(Path store) throws IOException {
    return new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--store",
                store.toString(),
                "serve",
                "--port",
                "0"))
        .redirectErrorStream(true)
        .start();
  }

  private static URI awaitListening(Process serve) throws Exception {
    CompletableFuture<URI> listening = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    listening.complete(URI.create(matcher.group(1)));
                  }
                }
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(new AssertionError("serve exited: " + output));
            },
            "serve-output");
    reader.setDaemon(true);
    reader.start();
    return listening.get(90, TimeUnit.SECONDS);
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
