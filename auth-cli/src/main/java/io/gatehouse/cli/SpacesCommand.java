package io.gatehouse.cli;

import io.gatehouse.admin.Management;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse spaces [--add NAME] [--remove NAME]}: the store's declared spaces. */
@Command(
    name = "spaces",
    mixinStandardHelpOptions = true,
    description = {
      "List the spaces the store serves; requests in any other space are refused (403"
          + " unknown_space).",
      "A token or setting made in a space declares it. Needs permission 'manage' in remote mode."
    })
final class SpacesCommand implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // set by picocli
  @ParentCommand
  GatehouseCommand root;

  @Option(names = "--add", paramLabel = "NAME", description = "Declare this space")
  @Nullable String add;

  @Option(
      names = "--remove",
      paramLabel = "NAME",
      description = "Remove this space: only when it has no live token and no setting")
  @Nullable String remove;

  @Override
  public Integer call() {
    if (add != null && remove != null) {
      throw CliException.usage("--add or --remove, not both at once");
    }
    PrintWriter out = root.out();
    try (Management management = root.management()) {
      if (add != null) {
        Management.SpaceView added = management.addSpace(requireName(add));
        out.println("Space '" + added.name() + "' is declared: requests in it are served.");
        return Main.EXIT_OK;
      }
      if (remove != null) {
        Management.SpaceView removed = management.removeSpace(requireName(remove));
        out.println("Removed space '" + removed.name() + "': its requests are refused within 2 s.");
        return Main.EXIT_OK;
      }
      out.println(String.format("%-24s %-12s %s", "SPACE", "LIVE TOKENS", "SETTINGS"));
      for (Management.SpaceView space : management.spaces()) {
        out.println(
            String.format(
                "%-24s %-12d %s",
                space.name(), space.liveTokens(), space.hasSettings() ? "yes" : "-"));
      }
      return Main.EXIT_OK;
    }
  }

  private static String requireName(String name) {
    if (!io.gatehouse.core.Settings.isValidSpace(name)) {
      throw CliException.usage(
          "invalid space '"
              + io.gatehouse.core.Redact.safe(name)
              + "': use letters, digits and . _ - (max 64), starting with a letter or digit");
    }
    return name;
  }
}
