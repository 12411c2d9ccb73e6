package io.gatehouse.cli;

import io.gatehouse.admin.AuditEntry;
import io.gatehouse.admin.AuditLog;
import io.gatehouse.admin.Durations;
import io.gatehouse.admin.Management;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gatehouse audit [--since 24h] [--verify]}: the audit log of the management operations. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "List the audit log: every management operation in the space (tokens, issuers, address"
          + " rules, proxies), who ran it from where, and its outcome, refusals included.",
      "--verify checks the whole log's SHA-256 chain and names the first entry edited, missing or"
          + " out of order (exit code 1). Remote mode needs an admin token with 'audit' or"
          + " 'manage'."
    })
final class AuditCommand implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // set by picocli
  @ParentCommand
  GatehouseCommand root;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How far back to list, e.g. 1h, 24h, 30d. Default: 24h")
  Duration since = Duration.ofHours(24);

  @Option(names = "--verify", description = "Verify the hash chain of the whole log")
  boolean verify;

  @Override
  public Integer call() {
    try (Management management = root.management()) {
      List<AuditEntry> entries = management.audit(root.env.clock().instant().minus(since));
      if (entries.isEmpty()) {
        root.out().println("No audit entries in the last " + Durations.format(since) + ".");
      }
      for (AuditEntry entry : entries) {
        root.out().println(entry.describe());
      }
      if (!verify) {
        return Main.EXIT_OK;
      }
      AuditLog.Verification verification = management.verifyAudit();
      root.out().println(verification.message());
      return verification.ok() ? Main.EXIT_OK : Main.EXIT_REFUSED;
    }
  }
}
