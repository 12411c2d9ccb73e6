package io.gatehouse.cli;

import io.gatehouse.admin.Management;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatehouse limits [ID|default] [--rate ..] [--uses ..] [--refill ..] [--clear]}: a token's
 * usage limits, or the space's default.
 */
@Command(
    name = "limits",
    mixinStandardHelpOptions = true,
    description = {
      "Show or set the usage limits of a token (or, with 'default', of every token of the space"
          + " that has none of its own). Without an id: the space's default and every token's.",
      "Setting a part keeps the others; --clear drops them all first. Setting --uses or --refill"
          + " grants the credits anew. Applies on every instance within 2 s. Needs permission"
          + " 'tokens' in remote mode."
    })
final class LimitsCommand implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // set by picocli
  @ParentCommand
  GatehouseCommand root;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ID|default",
      description = "The token id (see 'tokens'), or 'default' for the space's default")
  @Nullable String id;

  @Mixin LimitOptions limits = new LimitOptions();

  @Option(names = "--clear", description = "Remove the limits (with other options: replace them)")
  boolean clear;

  @Override
  public Integer call() {
    PrintWriter out = root.out();
    try (Management management = root.management()) {
      String target = id;
      if (target == null) {
        if (clear || limits.given()) {
          throw CliException.usage("name the token (or 'default') whose limits to set");
        }
        out.println(String.format("%-12s %s", "TOKEN", "LIMITS"));
        for (Management.LimitsView view : management.allLimits()) {
          out.println(String.format("%-12s %s", view.token(), view.summary()));
        }
        return Main.EXIT_OK;
      }
      if (!clear && !limits.given()) {
        out.println(target + ": " + management.limits(target).summary());
        return Main.EXIT_OK;
      }
      Management.LimitsView set = management.setLimits(target, limits.request(clear));
      out.println(
          "Limits of "
              + (set.token().equals(Management.SPACE_DEFAULT) ? "the space's default" : set.token())
              + ": "
              + set.summary()
              + ". Every instance applies them within 2 s.");
      return Main.EXIT_OK;
    }
  }
}
