package io.gatehouse.embedding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code gatehouse} command in another JVM, as an operator runs it beside the apps: {@code java
 * -cp <this test's class path> io.gatehouse.cli.Main --store URL ...}, with the database
 * credentials in {@code GATEHOUSE_STORE_USER} / {@code GATEHOUSE_STORE_PASSWORD}.
 */
final class CliProcess {
  private static final Pattern TOKEN = Pattern.compile("(gh[ka]_[A-Za-z0-9_-]+)");
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final String storeUrl;
  private final String user;
  private final String password;
  private final Path workDir;

  CliProcess(String storeUrl, String user, String password, Path workDir) {
    this.storeUrl = storeUrl;
    this.user = user;
    this.password = password;
    this.workDir = workDir;
  }

  /** What one run printed and returned, and when its process had exited. */
  record Result(int code, String out, String err, long exitedAtNanos) {
    /** The first token the command printed. */
    String token() {
      Matcher matcher = TOKEN.matcher(out);
      if (!matcher.find()) {
        throw new AssertionError("no token in: " + this);
      }
      return matcher.group(1);
    }

    /** The line after the one starting with {@code prefix}. */
    String lineAfter(String prefix) {
      List<String> lines = out.lines().toList();
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith(prefix)) {
          return lines.get(i + 1).strip();
        }
      }
      throw new AssertionError("no line after '" + prefix + "' in: " + this);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** Runs {@code gatehouse --store URL args...} to its end (at most a minute). */
  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A one-shot command: the quick JIT tier and the serial collector start it sooner.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.gatehouse.cli.Main");
    command.add("--store");
    command.add(storeUrl);
    command.addAll(List.of(args));
    int run = RUNS.incrementAndGet();
    Path out = workDir.resolve("cli-" + run + ".out");
    Path err = workDir.resolve("cli-" + run + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().remove("GATEHOUSE_STORE");
    builder.environment().remove("GATEHOUSE_SPACE");
    builder.environment().put("GATEHOUSE_STORE_USER", user);
    builder.environment().put("GATEHOUSE_STORE_PASSWORD", password);
    long started = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("gatehouse " + String.join(" ", args) + " ran over a minute");
    }
    long exited = System.nanoTime();
    System.out.printf(
        "gatehouse %s: exit %d after %d ms%n",
        args.length == 0 ? "" : args[0], process.exitValue(), (exited - started) / 1_000_000);
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        exited);
  }
}
