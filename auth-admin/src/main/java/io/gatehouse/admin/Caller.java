package io.gatehouse.admin;

import io.gatehouse.core.Access;
import io.gatehouse.core.Identity;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Who runs a management operation: the operator at the store (the CLI's local mode, who can open
 * the database anyway and so holds everything), or an admin token through the admin API or the
 * console, which holds exactly its permissions. {@link AdminRules} decides from this alone, so the
 * three ways in cannot disagree.
 *
 * @param label for messages and logs: "the operator" or the admin token's id
 * @param permissions the admin token's permissions (empty for the operator, who needs none)
 * @param atStore true for the operator with direct store access
 */
public record Caller(String label, Set<String> permissions, boolean atStore) {

  public Caller {
    Objects.requireNonNull(label, "label");
    permissions = Set.copyOf(permissions);
  }

  /** The CLI on the store itself. */
  public static Caller operator() {
    return new Caller("the operator", Set.of(), true);
  }

  /** An authenticated admin token (or a console session, which carries its token's identity). */
  public static Caller of(Identity identity) {
    if (identity.access() != Access.ADMIN) {
      // The admin filter lets only admin tokens through; an API token here is a wiring mistake,
      // and it gets no permissions rather than the benefit of the doubt.
      return new Caller(label(identity), Set.of(), false);
    }
    return new Caller(label(identity), identity.permissions(), false);
  }

  private static String label(Identity identity) {
    String id = identity.credentialId();
    return "admin token " + (id == null ? identity.subject() : id);
  }

  /** True for the operator, a {@code manage} token, or a token holding {@code permission}. */
  public boolean holds(String permission) {
    return atStore || permissions.contains(AdminRules.MANAGE) || permissions.contains(permission);
  }

  /** True when this caller holds every one of {@code wanted}. */
  public boolean holdsAll(Collection<String> wanted) {
    for (String permission : wanted) {
      if (!holds(permission)) {
        return false;
      }
    }
    return true;
  }
}
