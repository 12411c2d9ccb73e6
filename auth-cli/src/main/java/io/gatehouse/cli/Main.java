package io.gatehouse.cli;

import io.gatehouse.admin.AdminException;
import io.gatehouse.apikey.TokenStoreException;
import java.util.NoSuchElementException;
import java.util.Objects;
import picocli.CommandLine;

/**
 * Entry point of {@code gatehouse}. Exit codes: {@value #EXIT_OK} ok, {@value #EXIT_REFUSED}
 * refused or not found, {@value #EXIT_USAGE} usage error, {@value #EXIT_UNAVAILABLE} store (or
 * server) unreachable.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_REFUSED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_UNAVAILABLE = 3;

  private Main() {}

  public static void main(String[] args) {
    // Quiet libraries unless asked: a command prints its own lines, warnings still show.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        Objects.requireNonNullElse(
            System.getProperty("org.slf4j.simpleLogger.defaultLogLevel"), "warn"));
    System.exit(execute(CliEnvironment.system(), args));
  }

  /** Runs one command line; returns its exit code. */
  static int execute(CliEnvironment env, String... args) {
    int code = commandLine(env).execute(args);
    env.out().flush();
    env.err().flush();
    return code;
  }

  static CommandLine commandLine(CliEnvironment env) {
    CommandLine commandLine = new CommandLine(new GatehouseCommand(env));
    commandLine.setOut(env.out());
    commandLine.setErr(env.err());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          env.err()
              .println(
                  "gatehouse: "
                      + e.getMessage()
                      + " (see '"
                      + failed.getCommandSpec().qualifiedName()
                      + " --help')");
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          env.err().println("gatehouse: " + message(e));
          return exitCode(e);
        });
    return commandLine;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CliException cli) {
      return cli.exitCode();
    } else if (e instanceof AdminException admin) {
      return admin.kind() == AdminException.Kind.UNAVAILABLE ? EXIT_UNAVAILABLE : EXIT_REFUSED;
    } else if (e instanceof TokenStoreException) {
      return EXIT_UNAVAILABLE;
    } else if (e instanceof NoSuchElementException) {
      return EXIT_REFUSED;
    } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return EXIT_USAGE;
    }
    return EXIT_REFUSED;
  }

  static String message(Throwable e) {
    String message = e.getMessage();
    if (e instanceof TokenStoreException) {
      return "store unreachable: " + firstLine(String.valueOf(message));
    }
    if (message == null || message.isBlank() || !(e instanceof RuntimeException)) {
      return "unexpected error: " + e;
    }
    return firstLine(message);
  }

  static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
