package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.SpaceResolver;

/**
 * Where a request's space comes from ({@code gatehouse.space-from}), as the CLI's {@code serve
 * --space-from}: a request that names no valid space, or one the store does not declare, is
 * refused, never defaulted.
 */
public enum SpaceFrom {
  /** The Host header's first label: {@code dev.example.com} is in space {@code dev}. */
  HOST,
  /** The path's first segment: {@code /dev/api/items} is in space {@code dev}. */
  PATH,
  /** The {@value #HEADER_NAME} header (required). */
  HEADER;

  /** The header {@link #HEADER} reads, as the CLI's. */
  public static final String HEADER_NAME = "X-Gatehouse-Space";

  SpaceResolver resolver() {
    return switch (this) {
      case HOST -> SpaceResolver.fromHost();
      case PATH -> SpaceResolver.fromPath();
      case HEADER -> SpaceResolver.fromHeader(HEADER_NAME);
    };
  }
}
