package io.gatehouse.apikey;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 database to its owner. Its files hold token hashes and HS secrets, so the
 * directory is created owner-only ({@code 0700}) and H2's files are set to {@code 0600}; and H2's
 * {@code AUTO_SERVER} port, which lets a second process (the CLI next to a running server) share
 * the file and has an empty password, listens on the loopback interface only.
 *
 * <p>Limits. Permissions are set on POSIX file systems only (elsewhere they are left as they are).
 * Files H2 creates after they were restricted (a trace file, the lock file it recreates on each
 * open) get the process's umask, but stay behind the owner-only directory. An existing directory is
 * never changed, only reported: its owner may share it on purpose. The bind address is H2's
 * JVM-wide system property {@value #BIND_ADDRESS_PROPERTY}, which H2 reads once, when it is first
 * used: Gatehouse sets it to {@code 127.0.0.1} unless the application set it, and reports when H2
 * was already running without it (then pass {@code -Dh2.bindAddress=127.0.0.1} to the JVM). It
 * applies to every H2 server of the JVM, the H2 console's included.
 */
public final class EmbeddedH2 {
  /** H2's system property naming the address its server sockets listen on. */
  public static final String BIND_ADDRESS_PROPERTY = "h2.bindAddress";

  static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile(
          "127\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){2}");
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedH2.class);
  private static volatile boolean bindWarningLogged;

  private EmbeddedH2() {}

  /**
   * Creates {@code directory} (and missing parents) when it does not exist, owner-only. For an
   * existing one, returns a warning when its group or other users can reach it, and one for each
   * file of the database {@code databaseName} in it that they can; nothing is changed.
   */
  public static List<String> secureDirectory(Path directory, String databaseName)
      throws IOException {
    Path absolute = directory.toAbsolutePath().normalize();
    if (!isPosix()) {
      Files.createDirectories(absolute);
      return List.of();
    }
    if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = absolute.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // Created with the permissions in one step: no moment where others could enter it.
      Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      Files.setPosixFilePermissions(absolute, OWNER_ONLY_DIRECTORY); // the umask may have cut it
      return List.of();
    }
    List<String> warnings = new ArrayList<>();
    looseness(absolute)
        .ifPresent(
            mode ->
                warnings.add(
                    "the store directory "
                        + absolute
                        + " is open to its group or other users ("
                        + mode
                        + ") but holds token hashes and HS secrets; run: chmod 700 "
                        + absolute));
    for (Path file : databaseFiles(absolute, databaseName)) {
      looseness(file)
          .ifPresent(
              mode ->
                  warnings.add(
                      "the store file "
                          + file
                          + " is open to its group or other users ("
                          + mode
                          + "); run: chmod 600 "
                          + file));
    }
    return List.copyOf(warnings);
  }

  /**
   * Sets the files of the database {@code databaseName} in {@code directory} ({@code
   * <databaseName>.mv.db}, its lock, trace and temporary files) to owner read/write ({@code 0600}).
   * Other files in the directory are not touched. A no-op off POSIX.
   */
  public static void restrictFiles(Path directory, String databaseName) throws IOException {
    if (!isPosix() || !Files.isDirectory(directory)) {
      return;
    }
    for (Path file : databaseFiles(directory, databaseName)) {
      try {
        Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      } catch (java.nio.file.NoSuchFileException gone) {
        // H2 deletes its lock and temporary files as it goes; nothing left to protect.
      }
    }
  }

  private static List<Path> databaseFiles(Path directory, String databaseName) throws IOException {
    String prefix = databaseName + ".";
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(prefix))
          .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    }
  }

  /**
   * Makes H2's server sockets, the {@code AUTO_SERVER} port among them, listen on {@code 127.0.0.1}
   * only, unless the application set {@value #BIND_ADDRESS_PROPERTY} itself. Call it before the
   * first H2 connection of the JVM. Returns a warning when the port would still be reachable from
   * other hosts: H2 was already in use without the property, or the application chose an address
   * that is not loopback. Empty when H2 is not on the class path.
   */
  public static Optional<String> bindServersToLoopback() {
    synchronized (EmbeddedH2.class) {
      if (System.getProperty(BIND_ADDRESS_PROPERTY) == null) {
        System.setProperty(BIND_ADDRESS_PROPERTY, "127.0.0.1");
      }
    }
    @Nullable String address = h2BindAddress();
    if (address == null) {
      return Optional.empty(); // no H2 here: nothing can listen
    }
    if (address.isEmpty()) {
      return Optional.of(
          "H2 was started before Gatehouse could bind its server port to loopback, so an H2"
              + " AUTO_SERVER port listens on all interfaces; start the JVM with -D"
              + BIND_ADDRESS_PROPERTY
              + "=127.0.0.1");
    }
    if (!isLoopback(address)) {
      return Optional.of(
          BIND_ADDRESS_PROPERTY
              + " is "
              + address
              + ": an H2 AUTO_SERVER port (no password) is reachable from other hosts");
    }
    return Optional.empty();
  }

  /** {@link #bindServersToLoopback()}, its warning logged once per JVM. */
  static void bindServersToLoopbackOrLog() {
    bindServersToLoopback()
        .ifPresent(
            warning -> {
              if (!bindWarningLogged) {
                bindWarningLogged = true;
                LOG.warn("{}", warning);
              }
            });
  }

  /** True when {@code url} is an H2 URL that opens an {@code AUTO_SERVER} port. */
  public static boolean opensAutoServer(String url) {
    return url.startsWith("jdbc:h2:")
        && url.toUpperCase(java.util.Locale.ROOT).replace(" ", "").contains(";AUTO_SERVER=TRUE");
  }

  /**
   * The bind address H2 uses ("" when none), or null when H2 is not on the class path. Reading it
   * initialises H2's settings, so the property must be set before.
   */
  private static @Nullable String h2BindAddress() {
    try {
      Class<?> settings =
          Class.forName("org.h2.engine.SysProperties", true, EmbeddedH2.class.getClassLoader());
      Object value = settings.getField("BIND_ADDRESS").get(null);
      return value instanceof String text ? text.strip() : "";
    } catch (ClassNotFoundException e) {
      return null;
    } catch (ReflectiveOperationException | LinkageError e) {
      // Another H2 version: trust the property, which is what H2 documents.
      return System.getProperty(BIND_ADDRESS_PROPERTY, "");
    }
  }

  /** Loopback by its text alone: {@code localhost}, an IPv4 127.x.y.z literal, or {@code ::1}. */
  static boolean isLoopback(String address) {
    String text = address.strip();
    return text.equalsIgnoreCase("localhost")
        || IPV4_LOOPBACK.matcher(text).matches()
        || text.equals("::1")
        || text.equals("[::1]");
  }

  private static Optional<String> looseness(Path path) throws IOException {
    Set<PosixFilePermission> permissions =
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    for (PosixFilePermission permission : permissions) {
      if (GROUP_OR_OTHERS.contains(permission)) {
        return Optional.of(PosixFilePermissions.toString(permissions));
      }
    }
    return Optional.empty();
  }

  private static boolean isPosix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
