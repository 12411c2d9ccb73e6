package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.AdminStore;
import io.gatehouse.admin.Caller;
import io.gatehouse.admin.Management;
import io.gatehouse.apikey.TokenStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the operator does while an example runs, through its own connection to the example's store
 * (as {@code ./gatehouse --store DIR} would), and the calls the README walks through.
 */
final class Operator implements AutoCloseable {
  private final AdminStore store;
  private final Management dev;
  private final HttpClient client = HttpClient.newHttpClient();

  Operator(Path storeDirectory) {
    store = AdminStore.builder(TokenStores.h2Url(storeDirectory)).open();
    dev = store.management("dev", Caller.operator());
  }

  /** A new API token's text: READ_WRITE, or READ when {@code readOnly}. */
  String addToken(boolean readOnly) {
    return dev.createToken(
            new Management.TokenRequest(false, readOnly, "example", null, List.of(), null))
        .token();
  }

  void whitelist(String cidr) {
    dev.allow(List.of(cidr));
  }

  HttpResponse<String> get(URI uri, @Nullable String token) throws IOException {
    return send(HttpRequest.newBuilder(uri), token);
  }

  HttpResponse<String> post(URI uri, @Nullable String token) throws IOException {
    return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()), token);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, @Nullable String token)
      throws IOException {
    if (token != null) {
      request.header("x-apikey", token);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Calls {@code uri} with {@code token} until it answers {@code status}; fails after {@code
   * within}: the promise the README makes is that a change reaches the running app within 2 s.
   */
  HttpResponse<String> awaitStatus(URI uri, String token, int status, Duration within)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    HttpResponse<String> last = get(uri, token);
    while (last.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = get(uri, token);
    }
    assertThat(last.statusCode()).as("within %s: %s", within, last.body()).isEqualTo(status);
    return last;
  }

  @Override
  public void close() {
    try {
      dev.close();
    } finally {
      store.close();
    }
  }
}
