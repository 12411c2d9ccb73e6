package io.gatehouse.embedding;

import io.gatehouse.admin.ManagedGatehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An app under test: a real server on a loopback port, with its own {@link ManagedGatehouse} in
 * front of {@code /api/*}.
 */
abstract class App implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern CODE = Pattern.compile("\"code\":\"([a-z_]+)\"");

  final String name;
  final ManagedGatehouse managed;

  App(String name, ManagedGatehouse managed) {
    this.name = name;
    this.managed = managed;
  }

  abstract URI base();

  /**
   * What {@code GET /api/hello} with {@code headers} gets: {@code "200"}, or the status and the
   * refusal's reason code, e.g. {@code "403 address_denied"}.
   */
  String outcome(String... headers) {
    try {
      HttpResponse<String> response = get("/api/hello", headers);
      Matcher code = CODE.matcher(response.body());
      return response.statusCode() == 200 || !code.find()
          ? Integer.toString(response.statusCode())
          : response.statusCode() + " " + code.group(1);
    } catch (Exception e) {
      return "error " + e;
    }
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(10)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Stops the server, then its {@link ManagedGatehouse}. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      managed.close();
    }
  }

  abstract void stop();

  @Override
  public String toString() {
    return name;
  }
}
