package io.gatehouse.servlet;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Keeps an HTTP/1.1 connection honest when a request is answered without reading its body.
 *
 * <p>A body left unread makes the container close the connection after the response (Jetty does
 * this whenever the rest of the body has not arrived yet, without saying so in the response). A
 * pooling client told nothing sends its next request into that closing socket and fails (the JDK
 * client with "HTTP/1.1 header parser received no bytes"). Reading the body to its end is not the
 * answer for a request being refused: anyone without a credential could then hold a container
 * thread for as long as they care to trickle bytes.
 *
 * <p>So {@link #settle} discards a small body of declared length that has already arrived in full,
 * without blocking, and the connection stays open; any other body (chunked, large, or still on its
 * way) gets {@code Connection: close} on the response, so the client opens a new connection for its
 * next request. Call it before writing a response to a request whose body will not be read.
 */
public final class UnreadBody {
  /** A body this small, already received, is discarded so the connection stays open. */
  static final long MAX_DISCARDED = 64 * 1024;

  private UnreadBody() {}

  /**
   * Discards the request's body if it is small and has fully arrived, or else marks the response
   * {@code Connection: close} (when it is not committed yet: call this before writing).
   *
   * @return whether the connection can carry another request after this response
   */
  public static boolean settle(HttpServletRequest request, HttpServletResponse response) {
    if (discardArrived(request)) {
      return true;
    }
    if (!response.isCommitted()) {
      response.setHeader("Connection", "close");
    }
    return false;
  }

  private static boolean discardArrived(HttpServletRequest request) {
    long length = request.getContentLengthLong();
    if (length == 0 || (length < 0 && request.getHeader("Transfer-Encoding") == null)) {
      return true; // no body
    }
    if (!request.getProtocol().startsWith("HTTP/1.")) {
      return true; // HTTP/2 and later end the stream, not the connection
    }
    try {
      ServletInputStream in = request.getInputStream();
      if (in.isFinished()) {
        return true; // the application read it to its end
      }
      if (length < 0 || length > MAX_DISCARDED) {
        return false; // chunked or large: its end cannot be seen without waiting for it
      }
      // available() counts what can be read without blocking, so this never waits for the client.
      // Counting to the declared length matters: the container reports the end only on a read
      // past it, and that read could block.
      byte[] sink = new byte[(int) Math.min(length, 8192)];
      long discarded = 0;
      for (int ready = in.available(); discarded < length && ready > 0; ready = in.available()) {
        int read =
            in.read(sink, 0, (int) Math.min(Math.min(ready, sink.length), length - discarded));
        if (read < 0) {
          return true;
        }
        discarded += read;
      }
      return discarded == length;
    } catch (IOException | IllegalStateException e) {
      return false; // the body is being read through getReader(), or the client went away
    }
  }
}
