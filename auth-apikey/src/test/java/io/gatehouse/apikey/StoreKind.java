package io.gatehouse.apikey;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The stores every matrix test runs against. */
enum StoreKind {
  MEMORY,
  H2,
  POSTGRES;

  /** A new empty store; {@code dir} is a fresh temporary directory. */
  TokenStore create(Path dir, Clock clock) {
    return switch (this) {
      case MEMORY -> TokenStores.inMemory();
      case H2 ->
          TokenStores.jdbc()
              .url(TokenStores.h2Url(dir), "", "")
              .pollInterval(Duration.ofMillis(100))
              .clock(clock)
              .build();
      case POSTGRES ->
          TokenStores.jdbc()
              .url(Postgres.freshDatabase(), "postgres", "")
              .pollInterval(Duration.ofMillis(200))
              .clock(clock)
              .build();
    };
  }
}
