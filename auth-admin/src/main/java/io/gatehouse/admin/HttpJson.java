package io.gatehouse.admin;

import io.gatehouse.core.Identity;
import io.gatehouse.servlet.UnreadBody;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small servlet helpers shared by the demo API and the admin API. */
public final class HttpJson {
  /** Largest request body read. */
  public static final int MAX_BODY = 64 * 1024;

  private HttpJson() {}

  /**
   * Answers with {@code body}; a request body left unread is settled first ({@link UnreadBody}).
   */
  public static void send(
      HttpServletRequest request, HttpServletResponse response, int status, Map<String, ?> body)
      throws IOException {
    UnreadBody.settle(request, response);
    byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  public static void error(
      HttpServletRequest request, HttpServletResponse response, int status, String message)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", (long) status);
    body.put("error", message);
    send(request, response, status, body);
  }

  /**
   * The body as text, or an {@link IllegalArgumentException} when larger than {@link #MAX_BODY}.
   */
  public static String body(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int total = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        total += n;
        if (total > MAX_BODY) {
          throw new IllegalArgumentException("request body larger than " + MAX_BODY + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** The caller as the demo API shows it: everything but secrets. */
  public static Map<String, Object> identity(
      Identity identity, @org.jspecify.annotations.Nullable InetAddress client) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("subject", identity.subject());
    map.put("method", identity.method());
    map.put("space", identity.space());
    map.put("access", identity.access().name());
    map.put("permissions", java.util.List.copyOf(identity.permissions()));
    map.put("credentialId", identity.credentialId());
    map.put("expiresAt", identity.expiresAt() == null ? null : identity.expiresAt().toString());
    map.put("clientAddress", client == null ? null : client.getHostAddress());
    return map;
  }
}
