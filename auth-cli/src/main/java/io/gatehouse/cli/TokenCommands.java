package io.gatehouse.cli;

import io.gatehouse.admin.Management;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The token commands: add-token, add-admintoken, tokens, revoke, rotate, import-token. */
final class TokenCommands {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

  private TokenCommands() {}

  /** {@code --origins}, shared by add-token and add-admintoken. */
  static final class OriginOptions {
    @Option(
        names = "--origins",
        split = ",",
        paramLabel = "ORIGIN",
        description =
            "Web origins whose pages may use the token, e.g. https://app.example.com. Default:"
                + " none; a request from a web page is refused (403 browser_refused)")
    List<String> origins = new ArrayList<>();
  }

  @Command(
      name = "add-token",
      mixinStandardHelpOptions = true,
      description = "Create an API token (sent as header x-apikey). Prints it once.")
  static final class AddToken implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Option(names = "--readonly", description = "READ access: GET, HEAD and OPTIONS only")
    boolean readOnly;

    @Option(names = "--name", paramLabel = "N", description = "A label, e.g. ci or mobile-app")
    String name = "";

    @Option(
        names = "--expires",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Lifetime, e.g. 30d, 24h, 15m. Default: never expires")
    @Nullable Duration expires;

    @Mixin LimitOptions limits = new LimitOptions();

    @Mixin OriginOptions origins = new OriginOptions();

    @Override
    public Integer call() {
      limits.validate();
      try (Management management = root.management()) {
        Management.CreatedTokenView created =
            management.createToken(
                new Management.TokenRequest(
                    false, readOnly, name, null, List.of(), expires, origins.origins));
        root.out()
            .println(
                "Created new token " + created.token() + " with access " + created.info().access());
        limits.applyTo(management, created.info().id(), root.out());
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "add-admintoken",
      mixinStandardHelpOptions = true,
      description = {
        "Create an admin token (sent as Authorization: Bearer gha_...). Prints it once.",
        "Permission 'manage' (or 'tokens' / 'settings') lets it use the admin API (remote mode)."
      })
  static final class AddAdminToken implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Option(names = "--team", paramLabel = "T", description = "The owning team")
    @Nullable String team;

    @Option(
        names = "--ops",
        split = ",",
        paramLabel = "OP",
        description =
            "Permissions, comma-separated: deploy, undeploy, createindex, removeindex, backup,"
                + " restore, import, export, query, manage, tokens, settings, or your own")
    List<String> ops = new ArrayList<>();

    @Option(names = "--name", paramLabel = "N", description = "A label")
    String name = "";

    @Option(
        names = "--expires",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Lifetime, e.g. 30d. Default: never expires")
    @Nullable Duration expires;

    @Mixin LimitOptions limits = new LimitOptions();

    @Mixin OriginOptions origins = new OriginOptions();

    @Override
    public Integer call() {
      limits.validate();
      try (Management management = root.management()) {
        Management.CreatedTokenView created =
            management.createToken(
                new Management.TokenRequest(
                    true, false, name, team, ops, expires, origins.origins));
        root.out().println("New admin token added: " + created.token());
        limits.applyTo(management, created.info().id(), root.out());
        root.out()
            .println(
                "Please copy this now and keep it secret. It will never be shown in full again.");
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "tokens",
      mixinStandardHelpOptions = true,
      description = "List the space's tokens (masked), revoked and expired ones included.")
  static final class ListTokens implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Override
    public Integer call() {
      try (Management management = root.management()) {
        List<Management.TokenView> tokens = management.tokens();
        if (tokens.isEmpty()) {
          root.out().println("No tokens yet. Create one with: gatehouse add-token");
          return Main.EXIT_OK;
        }
        List<List<String>> rows = new ArrayList<>();
        // The ORIGINS column shows only when a token lists web origins.
        boolean anyOrigins = tokens.stream().anyMatch(token -> !token.origins().isEmpty());
        List<String> header =
            new ArrayList<>(
                List.of(
                    "ID",
                    "TOKEN",
                    "KIND",
                    "ACCESS",
                    "NAME",
                    "CREATED",
                    "LAST USED",
                    "EXPIRES",
                    "STATUS"));
        if (anyOrigins) {
          header.add("ORIGINS");
        }
        rows.add(header);
        for (Management.TokenView token : tokens) {
          String access =
              token.permissions().isEmpty()
                  ? token.access()
                  : token.access() + "(" + String.join(",", token.permissions()) + ")";
          List<String> row =
              new ArrayList<>(
                  List.of(
                      token.id(),
                      token.masked(),
                      token.kind(),
                      access,
                      token.name().isEmpty() ? "-" : token.name(),
                      when(token.createdAt()),
                      when(token.lastUsedAt()),
                      when(token.expiresAt()),
                      token.status()));
          if (anyOrigins) {
            row.add(token.origins().isEmpty() ? "-" : String.join(",", token.origins()));
          }
          rows.add(row);
        }
        printTable(root.out(), rows);
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token by id or by its full text. Takes effect within 2 s everywhere.")
  static final class Revoke implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(paramLabel = "ID|TOKEN", description = "The token id (see 'tokens') or the token")
    String idOrToken = "";

    @Override
    public Integer call() {
      try (Management management = root.management()) {
        Optional<Management.TokenView> revoked = management.revoke(idOrToken);
        if (revoked.isEmpty()) {
          throw CliException.notFound(
              "no token " + io.gatehouse.core.Redact.secret(idOrToken) + " in this space");
        }
        root.out()
            .println("Revoked token " + revoked.get().id() + " (" + revoked.get().masked() + ")");
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = "Give a token a new secret; the old one keeps working for the grace period.")
  static final class Rotate implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(paramLabel = "ID", description = "The token id (see 'tokens')")
    String id = "";

    @Option(
        names = "--grace",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How long the old token keeps working, e.g. 24h. Default: 0 (not at all)")
    Duration grace = Duration.ZERO;

    @Override
    public Integer call() {
      try (Management management = root.management()) {
        Management.CreatedTokenView rotated = management.rotate(id, grace);
        root.out().println("Rotated token " + rotated.info().id() + ": " + rotated.token());
        Instant until = rotated.info().previousValidUntil();
        root.out()
            .println(
                until == null
                    ? "The old token stopped working now."
                    : "The old token keeps working until " + WHEN.format(until) + ".");
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "import-token",
      mixinStandardHelpOptions = true,
      description = {
        "Keep an existing token of another format working (stored by its hash).",
        "It is sent as header x-apikey like Gatehouse API tokens."
      })
  static final class ImportToken implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(paramLabel = "TOKEN", description = "16-256 URL-safe or base64 characters")
    String token = "";

    @Option(names = "--readonly", description = "READ access: GET, HEAD and OPTIONS only")
    boolean readOnly;

    @Option(names = "--name", paramLabel = "N", description = "A label")
    String name = "imported";

    @Override
    public Integer call() {
      try (Management management = root.management()) {
        Management.TokenView imported = management.importToken(token, readOnly, name);
        root.out()
            .println(
                "Imported token "
                    + imported.masked()
                    + " as "
                    + imported.id()
                    + " with access "
                    + imported.access());
      }
      return Main.EXIT_OK;
    }
  }

  static String when(@Nullable Instant at) {
    return at == null ? "-" : WHEN.format(at);
  }

  static void printTable(PrintWriter out, List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line);
    }
  }
}
