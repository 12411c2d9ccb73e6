package io.gatehouse.core;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The immutable request {@link AuthRequest#builder()} makes. */
record SimpleRequest(
    String method,
    String path,
    @Nullable String rawQuery,
    Map<String, List<String>> headerMap,
    InetSocketAddress remoteAddress)
    implements AuthRequest {

  @Override
  public List<String> headers(String name) {
    return headerMap.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  @Override
  public String toString() {
    // Header values may be credentials: never print them.
    return "AuthRequest[" + method + " " + Redact.safe(path) + " from " + remoteAddress + "]";
  }
}
