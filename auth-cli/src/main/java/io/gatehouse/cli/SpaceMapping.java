package io.gatehouse.cli;

import io.gatehouse.core.SpaceResolver;
import io.gatehouse.core.SpaceSource;
import java.util.Locale;

/**
 * How {@code serve} and {@code check} map a request to its space ({@code --space-from}): the fixed
 * {@code --space} by default, else the Host header's first label, the path's first segment or the
 * {@value #HEADER_NAME} header. A request that names no valid space, or a space the store does not
 * declare, is refused: never defaulted.
 */
enum SpaceMapping {
  HOST("the Host header's first label (dev.example.com -> space 'dev'; IP literals refused)"),
  PATH(
      "the path's first segment (/dev/... -> space 'dev'; the path is passed on unchanged; every"
          + " path is guarded, so the console and admin API are not served: use the CLI on the"
          + " store)"),
  HEADER("the " + SpaceMapping.HEADER_NAME + " header (required)");

  /** The header of {@code --space-from header}. */
  static final String HEADER_NAME = SpaceSource.HEADER_NAME;

  private final String description;

  SpaceMapping(String description) {
    this.description = description;
  }

  static SpaceMapping parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          "--space-from must be host, path or header, was '"
              + io.gatehouse.core.Redact.safe(text)
              + "'");
    }
  }

  /** The library's resolver of the same name: the CLI only parses and describes it. */
  SpaceResolver resolver() {
    return SpaceSource.valueOf(name()).resolver();
  }

  /** For the banner: "spaces from ..., each declared in the store". */
  String describe() {
    return "spaces from " + description + ", only those declared in the store (gatehouse spaces)";
  }
}
