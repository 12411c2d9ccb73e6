package io.gatehouse.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives the CLI in-process, as a user would, with captured stdout and stderr. */
final class Cli {
  private static final Pattern TOKEN = Pattern.compile("(gh[ka]_[A-Za-z0-9_-]+)");
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path workDir;
  final Map<String, String> env = new HashMap<>();

  Cli(Path workDir) {
    this.workDir = workDir;
  }

  /** What one command printed and returned. */
  record Result(int code, String out, String err) {
    /** The first token the command printed. */
    String token() {
      Matcher matcher = TOKEN.matcher(out);
      if (!matcher.find()) {
        throw new AssertionError("no token in: " + out + err);
      }
      return matcher.group(1);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment environment =
        new CliEnvironment(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.copyOf(env),
            workDir,
            Clock.systemUTC(),
            server -> {});
    int code = Main.execute(environment, args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A running {@code serve} or {@code demo}: its server, and its output so far. */
  static final class Running implements AutoCloseable {
    final DemoServer server;
    final StringWriter out;
    final CompletableFuture<Integer> exit;

    Running(DemoServer server, StringWriter out, CompletableFuture<Integer> exit) {
      this.server = server;
      this.out = out;
      this.exit = exit;
    }

    URI uri(String path) {
      return URI.create(server.uri() + path);
    }

    @Override
    public void close()
        throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
      server.close();
      try {
        exit.get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts a command that serves ({@code serve}, {@code demo}) and waits until it listens. */
  Running start(String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<DemoServer> started = new CompletableFuture<>();
    CliEnvironment environment =
        new CliEnvironment(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.copyOf(env),
            workDir,
            Clock.systemUTC(),
            started::complete);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> {
              int code = Main.execute(environment, args);
              started.completeExceptionally(
                  new AssertionError("exited " + code + " before serving: " + out + err));
              return code;
            });
    return new Running(started.get(60, TimeUnit.SECONDS), out, exit);
  }

  static HttpResponse<String> get(URI uri, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(uri).GET(), headers);
  }

  static HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
    return send(
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  static HttpResponse<String> send(HttpRequest.Builder request, String... headers)
      throws Exception {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code probe} until it returns {@code expected}; returns how long that took. */
  static Duration await(int expected, Duration limit, StatusProbe probe) throws Exception {
    long start = System.nanoTime();
    int last = -1;
    while (System.nanoTime() - start < limit.toNanos() * 3) { // report the real time if late
      last = probe.status();
      if (last == expected) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("status stayed " + last + ", expected " + expected);
  }

  /** One HTTP status, read anew each call. */
  @FunctionalInterface
  interface StatusProbe {
    int status() throws Exception;
  }

  static List<String> lines(String text) {
    return text.lines().toList();
  }
}
