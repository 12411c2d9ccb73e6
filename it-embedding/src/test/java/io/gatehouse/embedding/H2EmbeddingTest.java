package io.gatehouse.embedding;

import io.gatehouse.apikey.TokenStores;
import java.nio.file.Path;

/**
 * The embedding promise on the H2 default: a store directory as {@code TokenStores.h2Url} names it,
 * shared through H2's auto-server mode (the apps' JVM opens the file, the CLI connects to it).
 */
class H2EmbeddingTest extends EmbeddingContract {
  @Override
  Store openStore(Path dir) {
    return new Store("h2", TokenStores.h2Url(dir.resolve("store")), "", "");
  }

  @Override
  void closeStore() {}
}
