package io.gatehouse.admin;

import io.gatehouse.apikey.TokenInfo;
import io.gatehouse.apikey.TokenKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Who may do what on the admin plane. Every management operation calls these checks itself ({@link
 * LocalManagement}), so the CLI's local mode, the admin API and the console share one set of rules;
 * the admin filter's route check in front is only a first, coarse line.
 *
 * <ul>
 *   <li>{@value #MANAGE} holds every permission.
 *   <li>{@value #TOKENS} lists, creates, imports, revokes and rotates API tokens.
 *   <li>{@value #SETTINGS} changes issuers, secrets, address rules and trusted proxies, and runs
 *       dry runs.
 *   <li>{@value #AUDIT} reads and verifies the {@link AuditLog}.
 *   <li>{@value #METRICS} scrapes {@code /_admin/metrics} (Prometheus text), and nothing else: a
 *       monitoring system's token.
 *   <li><b>A caller can never grant a permission it does not hold.</b> Creating, importing,
 *       rotating or revoking an <em>admin</em> token needs {@value #TOKENS} and, besides, {@value
 *       #MANAGE} or every permission of that admin token: rotating hands out a working secret (so
 *       it is a grant), and revoking another's stronger token would let a weak token lock out the
 *       operators.
 * </ul>
 */
public final class AdminRules {
  /** Every admin operation, and every permission an admin token may grant. */
  public static final String MANAGE = "manage";

  /** API tokens: list, create, import, revoke, rotate. */
  public static final String TOKENS = "tokens";

  /** Issuers, HS secrets, address rules, trusted proxies, dry runs. */
  public static final String SETTINGS = "settings";

  /** Reading and verifying the audit log. */
  public static final String AUDIT = "audit";

  /** Scraping the metrics at {@code /_admin/metrics}. */
  public static final String METRICS = "metrics";

  private AdminRules() {}

  /** Reading or verifying the audit log needs {@value #AUDIT}. */
  static void requireAudit(Caller caller) {
    if (!caller.holds(AUDIT)) {
      throw new PermissionDenied(
          caller.label()
              + " may not read the audit log: that needs '"
              + AUDIT
              + "' or '"
              + MANAGE
              + "'");
    }
  }

  /** Listing tokens, and any token operation, needs {@value #TOKENS}. */
  static void requireTokens(Caller caller) {
    if (!caller.holds(TOKENS)) {
      throw new PermissionDenied(
          caller.label()
              + " may not manage tokens: that needs '"
              + TOKENS
              + "' or '"
              + MANAGE
              + "'");
    }
  }

  /** Reading or changing the space's settings needs {@value #SETTINGS}. */
  static void requireSettings(Caller caller) {
    if (!caller.holds(SETTINGS)) {
      throw new PermissionDenied(
          caller.label()
              + " may not read or change settings: that needs '"
              + SETTINGS
              + "' or '"
              + MANAGE
              + "'");
    }
  }

  /** Listing, creating and removing spaces needs {@value #MANAGE}. */
  static void requireManage(Caller caller, String action) {
    if (!caller.holds(MANAGE)) {
      throw new PermissionDenied(
          caller.label() + " may not " + action + ": that needs '" + MANAGE + "'");
    }
  }

  /** Creating or importing a token with {@code permissions}: only ones the caller holds. */
  static void requireMayGrant(Caller caller, Collection<String> permissions) {
    requireTokens(caller);
    List<String> missing = missing(caller, permissions);
    if (!missing.isEmpty()) {
      throw new PermissionDenied(
          caller.label()
              + " may not grant "
              + quoted(missing)
              + ": a caller can only grant permissions it holds ('"
              + MANAGE
              + "' holds all)");
    }
  }

  /**
   * Rotating, revoking or otherwise acting on {@code target}: API tokens need {@value #TOKENS};
   * admin tokens need, besides, every permission the target holds.
   */
  static void requireMayControl(Caller caller, TokenInfo target, String action) {
    requireTokens(caller);
    if (target.kind() != TokenKind.ADMIN) {
      return;
    }
    List<String> missing = missing(caller, target.permissions());
    if (!missing.isEmpty()) {
      throw new PermissionDenied(
          caller.label()
              + " may not "
              + action
              + " admin token "
              + target.id()
              + ": it holds "
              + quoted(missing)
              + ", which the caller does not (needs '"
              + MANAGE
              + "' or every permission of the target)");
    }
  }

  private static List<String> missing(Caller caller, Collection<String> permissions) {
    List<String> missing = new ArrayList<>();
    for (String permission : new TreeSet<>(permissions)) {
      if (!caller.holds(permission)) {
        missing.add(permission);
      }
    }
    return missing;
  }

  private static String quoted(List<String> permissions) {
    List<String> out = new ArrayList<>();
    for (String permission : permissions) {
      out.add("'" + permission + "'");
    }
    return String.join(", ", out);
  }
}
