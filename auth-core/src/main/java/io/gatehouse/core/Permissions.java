package io.gatehouse.core;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Named admin operations an admin token may grant. Apps may add their own names; a name is lower
 * case letters, digits and {@code . _ : -}, starting with a letter.
 */
public final class Permissions {
  public static final String DEPLOY = "deploy";
  public static final String UNDEPLOY = "undeploy";
  public static final String CREATE_INDEX = "createindex";
  public static final String REMOVE_INDEX = "removeindex";
  public static final String BACKUP = "backup";
  public static final String RESTORE = "restore";
  public static final String IMPORT = "import";
  public static final String EXPORT = "export";
  public static final String QUERY = "query";

  /** The operations every Gatehouse deployment knows. */
  public static final Set<String> STANDARD =
      Set.of(DEPLOY, UNDEPLOY, CREATE_INDEX, REMOVE_INDEX, BACKUP, RESTORE, IMPORT, EXPORT, QUERY);

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._:-]{0,63}");

  private Permissions() {}

  /** Whether {@code name} is a valid permission name (so never upper case). */
  public static boolean isValid(String name) {
    return NAME.matcher(name).matches();
  }

  /** Returns {@code name} when it is a valid permission name, else throws naming it. */
  public static String requireValid(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "invalid permission name '"
              + Redact.safe(name)
              + "': use lower case letters, digits and . _ : - (max 64), starting with a letter");
    }
    return name;
  }
}
