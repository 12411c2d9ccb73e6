package io.gatehouse.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback upstream on plain sockets whose behaviour each test scripts: it counts the connections
 * it accepts and records every request head it reads, so tests can see reuse, pacing and what never
 * arrived.
 */
final class ScriptedUpstream implements AutoCloseable {
  interface Script {
    void serve(ScriptedUpstream upstream, Socket socket, InputStream in, OutputStream out)
        throws Exception;
  }

  final AtomicInteger accepted = new AtomicInteger();
  final List<String> heads = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "scripted-upstream");
            thread.setDaemon(true);
            return thread;
          });

  ScriptedUpstream(Script script) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          while (!server.isClosed()) {
            try {
              Socket socket = server.accept();
              accepted.incrementAndGet();
              socket.setSoTimeout(20_000);
              threads.execute(
                  () -> {
                    try (socket) {
                      script.serve(this, socket, socket.getInputStream(), socket.getOutputStream());
                    } catch (Exception e) {
                      // the connection ends; the test sees it through the proxy
                    }
                  });
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  int port() {
    return server.getLocalPort();
  }

  java.net.URI uri() {
    return java.net.URI.create("http://127.0.0.1:" + port());
  }

  /** Answers every request on a connection 200 "ok", keeping the connection open. */
  static void keepAliveOk(
      ScriptedUpstream upstream, Socket socket, InputStream in, OutputStream out)
      throws IOException {
    while (true) {
      String head = upstream.readHead(in);
      if (head == null) {
        return;
      }
      in.readNBytes((int) contentLength(head));
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /**
   * Answers a WebSocket upgrade with a proper 101 and then echoes bytes until the end of the
   * stream; any other request gets 200 "ok" on a kept connection.
   */
  static void webSocketEcho(
      ScriptedUpstream upstream, Socket socket, InputStream in, OutputStream out) throws Exception {
    while (true) {
      String head = upstream.readHead(in);
      if (head == null) {
        return;
      }
      String key = header(head, "sec-websocket-key");
      if (key == null) {
        in.readNBytes((int) contentLength(head));
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        continue;
      }
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Accept: "
                  + accept(key)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in.transferTo(out);
      return;
    }
  }

  /** The Sec-WebSocket-Accept value for {@code key} (RFC 6455 section 4.2.2). */
  static String accept(String key) throws Exception {
    byte[] digest =
        java.security.MessageDigest.getInstance("SHA-1")
            .digest(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
    return java.util.Base64.getEncoder().encodeToString(digest);
  }

  static @org.jspecify.annotations.Nullable String header(String head, String name) {
    for (String line : head.split("\r\n", -1)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** Reads one request head (recorded), or null at the end of the stream. */
  String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c == -1) {
        return null;
      }
      head.write(c);
      matched =
          (c == '\r' && (matched == 0 || matched == 2))
                  || (c == '\n' && (matched == 1 || matched == 3))
              ? matched + 1
              : (c == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    heads.add(text);
    return text;
  }

  static long contentLength(String head) {
    for (String line : head.split("\r\n", -1)) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Long.parseLong(line.substring(15).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
