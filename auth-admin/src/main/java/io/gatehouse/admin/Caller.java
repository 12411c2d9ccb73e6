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
 * @param clientAddress where the caller is, for the {@link AuditLog}: the client address after
 *     trusted proxies, {@value #LOCAL} for the operator at the store, {@value #UNKNOWN_ADDRESS}
 *     when not known
 */
public record Caller(String label, Set<String> permissions, boolean atStore, String clientAddress) {
  /** The client address of the operator at the store. */
  public static final String LOCAL = "local";

  /** The client address when the caller's was not given. */
  public static final String UNKNOWN_ADDRESS = "unknown";

  public Caller {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(clientAddress, "clientAddress");
    permissions = Set.copyOf(permissions);
  }

  public Caller(String label, Set<String> permissions, boolean atStore) {
    this(label, permissions, atStore, atStore ? LOCAL : UNKNOWN_ADDRESS);
  }

  /** The CLI on the store itself. */
  public static Caller operator() {
    return new Caller("the operator", Set.of(), true, LOCAL);
  }

  /** An authenticated admin token (or a console session, which carries its token's identity). */
  public static Caller of(Identity identity) {
    return of(identity, UNKNOWN_ADDRESS);
  }

  /**
   * An authenticated admin token calling from {@code clientAddress} (the address the pipeline
   * resolved through the space's trusted proxies).
   */
  public static Caller of(Identity identity, String clientAddress) {
    if (identity.access() != Access.ADMIN) {
      // The admin filter lets only admin tokens through; an API token here is a wiring mistake,
      // and it gets no permissions rather than the benefit of the doubt.
      return new Caller(label(identity), Set.of(), false, clientAddress);
    }
    return new Caller(label(identity), identity.permissions(), false, clientAddress);
  }

  /**
   * Who, in an audit entry: {@code operator <os user>} at the store, else the admin token's label.
   */
  public String actor() {
    if (!atStore) {
      return label;
    }
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "operator" : "operator " + user;
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
