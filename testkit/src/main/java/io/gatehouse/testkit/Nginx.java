package io.gatehouse.testkit;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A real nginx for forward-auth tests and benchmarks: an unprivileged-style instance whose
 * configuration, pid file, error log and temp paths all live in one directory, listening on a free
 * loopback port, run in the foreground ({@code daemon off}) so that closing it stops it.
 *
 * <p>Tests call {@link #executable()} first and skip (with {@link #INSTALL_LINE}) when nginx is
 * absent. Debian's {@code nginx} package has the {@code auth_request} module.
 */
public final class Nginx implements AutoCloseable {
  /** What a test prints when it skips for want of nginx. */
  public static final String INSTALL_LINE = "apt-get install -y nginx";

  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final Process process;
  private final Path dir;
  private final int port;

  private Nginx(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The nginx executable on the PATH or in /usr/sbin, or null when there is none. */
  public static @Nullable Path executable() {
    String path = System.getenv("PATH");
    String dirs = (path == null ? "" : path) + File.pathSeparator + "/usr/sbin";
    for (String dir : Pattern.compile(Pattern.quote(File.pathSeparator)).split(dirs, -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "nginx");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Writes {@code nginx.conf} into {@code dir} with {@code servers} (the {@code server {...}} and
   * {@code upstream} blocks of the {@code http} context, given the port to listen on) and starts
   * nginx on it; waits until the port accepts connections.
   */
  public static Nginx start(Path dir, IntFunction<String> servers) throws IOException {
    Path nginx = executable();
    if (nginx == null) {
      throw new IllegalStateException("nginx is not installed: " + INSTALL_LINE);
    }
    Files.createDirectories(dir.resolve("temp"));
    Files.createDirectories(dir.resolve("logs"));
    int port = freePort();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(dir, servers.apply(port)), StandardCharsets.UTF_8);
    Process process =
        new ProcessBuilder(
                nginx.toString(),
                "-e",
                dir.resolve("logs/error.log").toString(),
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("logs/stdout.log").toFile())
            .start();
    Nginx started = new Nginx(process, dir, port);
    started.awaitListening();
    return started;
  }

  /** The whole configuration: one worker, everything under {@code dir}, no access log. */
  static String config(Path dir, String servers) {
    String temp = dir.resolve("temp").toString();
    return String.join(
        "\n",
        List.of(
            // As root, the workers would run as nobody and could not open the private temporary
            // directory (temp files, unix sockets): keep them as the user that started nginx.
            "root".equals(System.getProperty("user.name")) ? "user root;" : "",
            "worker_processes 1;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("logs/error.log") + " info;",
            "events { worker_connections 1024; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + temp + "/body;",
            "  proxy_temp_path " + temp + "/proxy;",
            "  fastcgi_temp_path " + temp + "/fastcgi;",
            "  uwsgi_temp_path " + temp + "/uwsgi;",
            "  scgi_temp_path " + temp + "/scgi;",
            servers,
            "}",
            ""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("nginx exited with " + process.exitValue() + ":\n" + errorLog());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20); // a real process starting: nothing to advance by hand
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    close();
    throw new IOException("nginx did not listen on " + port + " in time:\n" + errorLog());
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String baseUrl() {
    return String.format(Locale.ROOT, "http://127.0.0.1:%d", port);
  }

  /** The directory holding the configuration, logs and temp files. */
  public Path dir() {
    return dir;
  }

  /** The error log and nginx's own output so far, for a failing test's message. */
  public String errorLog() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("logs/error.log", "logs/stdout.log")) {
      Path file = dir.resolve(name);
      try {
        if (Files.exists(file)) {
          out.append("--- ").append(name).append('\n').append(Files.readString(file));
        }
      } catch (IOException e) {
        out.append("--- ").append(name).append(" unreadable: ").append(e.getMessage());
      }
    }
    return out.toString();
  }

  /** Stops nginx (SIGTERM: fast shutdown), forcibly after 5 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
