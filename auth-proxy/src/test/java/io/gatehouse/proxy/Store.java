package io.gatehouse.proxy;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.apikey.TokenStores;
import java.nio.file.Path;
import java.util.List;

/** A real managed Gatehouse on an H2 file store with a READ_WRITE and a READ token. */
final class Store implements AutoCloseable {
  final ManagedGatehouse managed;
  final String readWrite;
  final String read;

  Store(Path dir) {
    this(ManagedGatehouse.builder(TokenStores.h2Url(dir)).build());
  }

  Store(ManagedGatehouse managed) {
    this.managed = managed;
    Management operator = managed.management(ManagedGatehouse.DEFAULT_SPACE, Caller.operator());
    readWrite =
        operator
            .createToken(new Management.TokenRequest(false, false, "app-rw", null, List.of(), null))
            .token();
    read =
        operator
            .createToken(
                new Management.TokenRequest(false, true, "app-read", null, List.of(), null))
            .token();
  }

  @Override
  public void close() {
    managed.close();
  }
}
