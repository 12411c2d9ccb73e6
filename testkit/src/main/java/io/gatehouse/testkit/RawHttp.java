package io.gatehouse.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one socket, for what the JDK client cannot show: that a connection
 * is kept alive after a refusal, and pipelining.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public void send(String requestText) throws IOException {
    out.write(requestText.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Sends {@code GET target} with one {@code x-apikey} header and reads the response. */
  public Response get(String target, String apiKey) throws IOException {
    send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nx-apikey: " + apiKey + "\r\n\r\n");
    return read();
  }

  /** Reads one response with a {@code Content-Length} body. */
  public Response read() throws IOException {
    List<String> headers = new ArrayList<>();
    String status = line();
    for (String line = line(); !line.isEmpty(); line = line()) {
      headers.add(line);
    }
    int length = 0;
    for (String header : headers) {
      if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(status.substring(9, 12)),
        headers,
        new String(body, StandardCharsets.UTF_8));
  }

  /** True when the server closed the connection (end of stream before any byte). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c == -1) {
        throw new IOException("connection closed mid-response");
      }
      if (c != '\r') {
        buffer.write(c);
      }
    }
    return buffer.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  public record Response(int status, List<String> headers, String body) {
    public List<String> header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      return headers.stream()
          .filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
          .map(h -> h.substring(prefix.length()).trim())
          .toList();
    }
  }
}
