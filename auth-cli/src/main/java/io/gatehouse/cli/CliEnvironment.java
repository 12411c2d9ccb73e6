package io.gatehouse.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a run of the command sees of the world: its output streams, environment variables, working
 * directory (where the default store lives), clock, and a hook called when {@code serve} or {@code
 * demo} has started (tests use it to reach and stop the server).
 */
record CliEnvironment(
    PrintWriter out,
    PrintWriter err,
    Map<String, String> env,
    Path workDir,
    Clock clock,
    Consumer<DemoServer> onServe) {

  static CliEnvironment system() {
    return new CliEnvironment(
        // The terminal's charset, explicitly: output is for the person at it.
        new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true),
        new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true),
        System.getenv(),
        Path.of("").toAbsolutePath(),
        Clock.systemUTC(),
        server -> {});
  }

  /** The variables' names only: values like $GATEHOUSE_ADMINTOKEN are secrets. */
  @Override
  public String toString() {
    return "CliEnvironment[workDir="
        + workDir
        + ", env="
        + new java.util.TreeSet<>(env.keySet())
        + "]";
  }
}
