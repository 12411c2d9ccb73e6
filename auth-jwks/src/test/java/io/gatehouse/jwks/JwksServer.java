package io.gatehouse.jwks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;

/** A loopback JWKS endpoint whose answers a test controls, counting every request. */
final class JwksServer implements AutoCloseable {
  /** What the endpoint answers. */
  enum Mode {
    SERVE,
    ERROR_500,
    GARBAGE,
    HUGE,
    SLOW
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger notModified = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile String jwks = "{\"keys\":[]}";
  private volatile Mode mode = Mode.SERVE;
  private volatile String cacheControl = "";
  private volatile boolean etags;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  JwksServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/jwks.json", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
  }

  void serve(JsonWebKey... keys) {
    serveJson(new JsonWebKeySet(List.of(keys)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
  }

  void serveJson(String json) {
    this.jwks = json;
    this.mode = Mode.SERVE;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  void cacheControl(String value) {
    this.cacheControl = value;
  }

  void etags(boolean on) {
    this.etags = on;
  }

  /** Holds every response until {@link #open()}: lets many requests pile onto one fetch. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void open() {
    gate.countDown();
  }

  int requests() {
    return requests.get();
  }

  int notModified() {
    return notModified.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Mode current = mode;
      String body = jwks;
      String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
      if (!cacheControl.isEmpty()) {
        exchange.getResponseHeaders().add("Cache-Control", cacheControl);
      }
      switch (current) {
        case ERROR_500 -> send(exchange, 500, "oops");
        case GARBAGE -> send(exchange, 200, "<html>this is not a key set</html>");
        case HUGE -> sendHuge(exchange);
        case SLOW -> {
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          send(exchange, 200, body);
        }
        case SERVE -> {
          if (etags) {
            exchange.getResponseHeaders().add("ETag", etag);
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
              notModified.incrementAndGet();
              exchange.sendResponseHeaders(304, -1);
              return;
            }
          }
          send(exchange, 200, body);
        }
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** 10 MB sent chunked (no Content-Length), so only counting the bytes can stop it. */
  private static void sendHuge(HttpExchange exchange) throws IOException {
    exchange.sendResponseHeaders(200, 0);
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    try (OutputStream out = exchange.getResponseBody()) {
      out.write("{\"keys\":[".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 160; i++) {
        out.write(chunk);
      }
      out.write("]}".getBytes(StandardCharsets.UTF_8));
    } catch (IOException clientWentAway) {
      // Expected: the client cancels once past its limit.
    }
  }

  @Override
  public void close() {
    release.countDown();
    gate.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
