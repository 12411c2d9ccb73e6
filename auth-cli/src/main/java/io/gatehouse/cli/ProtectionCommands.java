package io.gatehouse.cli;

import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import io.gatehouse.admin.ThrottleChange;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The abuse protections of a space: throttle (failed credentials) and browsers. */
final class ProtectionCommands {
  private ProtectionCommands() {}

  @Command(
      name = "throttle",
      mixinStandardHelpOptions = true,
      description = {
        "Throttle client addresses that present refused credentials (malformed, unknown, revoked,"
            + " expired, bad signature): after --failures of them, the address gets 429 throttled,"
            + " before any store read, until it regains one per --refill.",
        "Default: 20 failures, then 1/3s. Without options, shows the setting."
      })
  static final class Throttle implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Option(
        names = "--failures",
        paramLabel = "N",
        description = "Refused credentials an address may present in a burst (1-1000000)")
    @Nullable Integer failures;

    @Option(
        names = "--refill",
        paramLabel = "RATE",
        description = "How fast an address regains failures, COUNT/PERIOD: e.g. 1/3s, 10/1m")
    @Nullable String refill;

    @Option(names = "--off", description = "Turn the throttle off in the space (not recommended)")
    boolean off;

    @Option(names = "--on", description = "Turn it back on")
    boolean on;

    @Option(names = "--default", description = "Back to the default: 20 failures, then 1/3s")
    boolean reset;

    @Override
    public Integer call() {
      if (off && on) {
        throw CliException.usage("give --off or --on, not both");
      }
      if (reset && (off || on || failures != null || refill != null)) {
        throw CliException.usage("--default stands alone");
      }
      try (Management management = root.management()) {
        SpaceConfig config;
        if (reset || off || on || failures != null || refill != null) {
          ThrottleChange change;
          try {
            change =
                new ThrottleChange(
                    reset, off ? Boolean.FALSE : on ? Boolean.TRUE : null, failures, refill);
          } catch (IllegalArgumentException e) {
            throw CliException.usage(String.valueOf(e.getMessage()));
          }
          config = management.throttle(change);
        } else {
          config = management.settings();
        }
        root.out()
            .println(
                "Failed-credential throttle in "
                    + root.target(config)
                    + ": "
                    + config.protections().describeThrottle());
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "browsers",
      mixinStandardHelpOptions = true,
      description = {
        "Whether web pages may use the space's tokens. By default a request from a web page (an"
            + " Origin the token does not list, Sec-Fetch-Site cross-site or same-site,"
            + " Sec-Fetch-Mode cors, navigate or no-cors) is refused with 403 browser_refused;"
            + " list a page's origin on a token with add-token --origins instead where you can.",
        "Without options, shows the setting."
      })
  static final class Browsers implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Option(names = "--allow", description = "Let any web page use the space's tokens")
    boolean allow;

    @Option(names = "--refuse", description = "Refuse web pages unless the token lists the origin")
    boolean refuse;

    @Override
    public Integer call() {
      if (allow && refuse) {
        throw CliException.usage("give --allow or --refuse, not both");
      }
      try (Management management = root.management()) {
        SpaceConfig config = allow || refuse ? management.browsers(allow) : management.settings();
        root.out()
            .println(
                "Tokens in "
                    + root.target(config)
                    + ": "
                    + config.protections().describeBrowsers());
      }
      return Main.EXIT_OK;
    }
  }
}
