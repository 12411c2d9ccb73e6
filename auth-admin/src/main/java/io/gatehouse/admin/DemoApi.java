package io.gatehouse.admin;

import io.gatehouse.core.Identity;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo API {@code gatehouse serve} guards, to mount at {@code /api/*} behind a {@link
 * GatehouseFilter}: {@code GET /api/hello} and {@code POST /api/items}, each answering with the
 * caller's identity as JSON. Handy to try a store's tokens and rules in any app.
 */
public final class DemoApi extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final AtomicLong items = new AtomicLong();

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = Objects.requireNonNullElse(request.getPathInfo(), "/");
    Identity identity = (Identity) request.getAttribute(GatehouseFilter.IDENTITY);
    InetAddress client = (InetAddress) request.getAttribute(GatehouseFilter.CLIENT_ADDRESS);
    Map<String, Object> body = new LinkedHashMap<>();
    switch (path) {
      case "/hello" -> {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
          HttpJson.error(request, response, 405, "use GET /api/hello");
          return;
        }
        body.put("message", "hello, " + identity.subject());
        body.put("identity", HttpJson.identity(identity, client));
        HttpJson.send(request, response, 200, body);
      }
      case "/items" -> {
        if (!request.getMethod().equals("POST")) {
          HttpJson.error(request, response, 405, "use POST /api/items");
          return;
        }
        String text;
        try {
          text = HttpJson.body(request);
        } catch (IllegalArgumentException e) {
          HttpJson.error(request, response, 413, "request body too large");
          return;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", items.incrementAndGet());
        item.put("bytes", (long) text.length());
        body.put("created", item);
        body.put("identity", HttpJson.identity(identity, client));
        HttpJson.send(request, response, 201, body);
      }
      default ->
          HttpJson.error(
              request, response, 404, "no such endpoint: try GET /api/hello or POST /api/items");
    }
  }
}
