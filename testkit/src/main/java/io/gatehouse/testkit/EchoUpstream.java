package io.gatehouse.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A non-Java upstream for forward-auth and proxy tests: {@code echo_upstream.py} (beside this
 * class) run by {@code python3} on a free loopback port. It answers every request 200 with a JSON
 * echo of the method, target, headers and body; {@code /bytes/N} streams N bytes; {@code
 * /status/NNN} answers that status; a WebSocket upgrade gets 101 and then echoes raw bytes.
 *
 * <p>Tests call {@link #python3()} first and skip (with the install line) when it is absent.
 */
public final class EchoUpstream implements AutoCloseable {
  /** What a test prints when it skips for want of Python. */
  public static final String INSTALL_LINE = "apt-get install -y python3";

  private final Process process;
  private final int port;

  private EchoUpstream(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The python3 executable on the PATH, or null when there is none. */
  public static @Nullable Path python3() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : Pattern.compile(Pattern.quote(File.pathSeparator)).split(path, -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "python3");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Starts the upstream in {@code workDir} (the script is copied there) and waits for its port. */
  public static EchoUpstream start(Path workDir) throws IOException {
    Path python = python3();
    if (python == null) {
      throw new IllegalStateException("python3 is not installed: " + INSTALL_LINE);
    }
    Path script = workDir.resolve("echo_upstream.py");
    try (InputStream in = EchoUpstream.class.getResourceAsStream("echo_upstream.py")) {
      if (in == null) {
        throw new IllegalStateException("echo_upstream.py is missing from the testkit jar");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    Process process =
        new ProcessBuilder(python.toString(), "-u", script.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    String first = out.readLine();
    if (first == null || !first.strip().matches("\\d{1,5}")) {
      process.destroyForcibly();
      throw new IOException("the echo upstream did not print its port; it printed: " + first);
    }
    return new EchoUpstream(process, Integer.parseInt(first.strip()));
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String baseUrl() {
    return String.format(Locale.ROOT, "http://127.0.0.1:%d", port);
  }

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
