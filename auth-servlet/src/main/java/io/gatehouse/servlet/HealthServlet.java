package io.gatehouse.servlet;

import io.gatehouse.core.Health;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness and readiness for orchestrators, to mount at {@code /_health/*} where no Gatehouse
 * filter applies (a probe carries no credential):
 *
 * <ul>
 *   <li>{@code GET /_health/live}: 200 {@code {"status":"UP"}} while the process serves requests;
 *   <li>{@code GET /_health/ready}: 200 when the {@link Health} is UP or DEGRADED, 503 when DOWN,
 *       with {@code {"status":"...","components":{"tokenStore":"UP",...}}}.
 * </ul>
 *
 * <p>The body is terse on purpose, since anyone may read it: the statuses only, never a detail (no
 * URL, host, error message or secret). Every answer is {@code Cache-Control: no-store}. Other paths
 * answer 404, other methods 405.
 *
 * <pre>{@code
 * ServletContextHandler health = new ServletContextHandler();   // its own context: no filter
 * health.setContextPath("/_health");
 * health.addServlet(new ServletHolder(HealthServlet.of(check::health)), "/*");
 * }</pre>
 */
public final class HealthServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);

  /** The liveness path, below the mount point. */
  public static final String LIVE = "/live";

  /** The readiness path, below the mount point. */
  public static final String READY = "/ready";

  private final transient Supplier<Health> health;

  private HealthServlet(Supplier<Health> health) {
    this.health = health;
  }

  /** A servlet answering readiness from {@code health} (called once per readiness request). */
  public static HealthServlet of(Supplier<Health> health) {
    return new HealthServlet(Objects.requireNonNull(health, "health"));
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getPathInfo();
    if (LIVE.equals(path)) {
      send(response, HttpServletResponse.SC_OK, "{\"status\":\"UP\"}");
    } else if (READY.equals(path)) {
      Health now = readiness();
      send(
          response,
          now.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          json(now));
    } else {
      send(response, HttpServletResponse.SC_NOT_FOUND, "{\"status\":\"NOT_FOUND\"}");
    }
  }

  /** The health; a check that throws is DOWN (fail closed), and logged without its message. */
  private Health readiness() {
    try {
      return Objects.requireNonNull(health.get(), "health");
    } catch (RuntimeException e) {
      LOG.warn("health check failed: {}", e.getClass().getName());
      return new Health(Health.Status.DOWN, java.util.List.of());
    }
  }

  /** Statuses only. Component names are identifiers ({@link Health.Component}): no escaping. */
  static String json(Health health) {
    StringBuilder out = new StringBuilder(64 + 32 * health.components().size());
    out.append("{\"status\":\"").append(health.status()).append("\",\"components\":{");
    String separator = "";
    for (Health.Component component : health.components()) {
      out.append(separator)
          .append('"')
          .append(component.name())
          .append("\":\"")
          .append(component.status())
          .append('"');
      separator = ",";
    }
    return out.append("}}").toString();
  }

  private static void send(HttpServletResponse response, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json");
    response.setContentLength(bytes.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(bytes);
    }
  }
}
