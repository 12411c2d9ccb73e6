package io.gatehouse.core;

/**
 * Where a request's space comes from, when it is not one fixed space: the same three sources for
 * the CLI's {@code serve --space-from} and the Spring starter's {@code gatehouse.space-from}. A
 * request that names no valid space, or one the store does not declare, is refused, never
 * defaulted.
 */
public enum SpaceSource {
  /** The Host header's first label: {@code dev.example.com} is in space {@code dev}. */
  HOST,
  /** The path's first segment: {@code /dev/api/items} is in space {@code dev}. */
  PATH,
  /** The {@value #HEADER_NAME} header (required). */
  HEADER;

  /** The header {@link #HEADER} reads. */
  public static final String HEADER_NAME = "X-Gatehouse-Space";

  /** The resolver reading this source. */
  public SpaceResolver resolver() {
    return switch (this) {
      case HOST -> SpaceResolver.fromHost();
      case PATH -> SpaceResolver.fromPath();
      case HEADER -> SpaceResolver.fromHeader(HEADER_NAME);
    };
  }
}
