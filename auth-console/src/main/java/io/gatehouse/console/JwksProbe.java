package io.gatehouse.console;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The console's "test fetch": fetches a JWKS URL once, with short timeouts, no redirects and a size
 * limit, and reports the keys found (never key material: kid, kty, alg, use, curve, size) and the
 * source's health: {@code UP} when at least one signing key is usable, {@code DOWN} with the
 * problem otherwise.
 */
final class JwksProbe {
  static final int MAX_BYTES = 1024 * 1024;

  private final HttpClient client;
  private final Duration timeout;
  private final LongSupplier nanoTicker;

  JwksProbe(Duration timeout, LongSupplier nanoTicker) {
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.timeout = timeout;
    this.nanoTicker = nanoTicker;
  }

  Map<String, Object> probe(String url) {
    URI uri = parseUrl(url);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("url", uri.toString());
    long start = nanoTicker.getAsLong();
    try {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(uri)
                  .timeout(timeout)
                  .header("Accept", "application/json, application/jwk-set+json")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      report.put("httpStatus", (long) response.statusCode());
      String body = readLimited(response.body());
      report.put("millis", elapsedMillis(start));
      if (response.statusCode() != 200) {
        return down(report, "the server answered HTTP " + response.statusCode());
      }
      return describeKeys(report, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return down(report, "interrupted");
    } catch (IOException e) {
      report.put("millis", elapsedMillis(start));
      return down(report, "fetch failed: " + e.getClass().getSimpleName() + detail(e));
    }
  }

  /** Only absolute http(s) URLs with a host; the message names what is wrong. */
  static URI parseUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + io.gatehouse.core.Redact.safe(url), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("a JWKS URL starts with https:// (or http://)");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("a JWKS URL needs a host and no user name or password");
    }
    return uri;
  }

  private static Map<String, Object> describeKeys(Map<String, Object> report, String body) {
    Map<String, Object> document;
    try {
      document = MiniJson.parseObject(body);
    } catch (IllegalArgumentException e) {
      return down(report, "the answer is not a JWKS: " + e.getMessage());
    }
    if (!(document.get("keys") instanceof List<?> keys)) {
      return down(report, "the answer is not a JWKS: no \"keys\" array");
    }
    List<Object> described = new ArrayList<>();
    int usable = 0;
    for (Object key : keys) {
      if (key instanceof Map<?, ?> jwk) {
        Map<String, Object> view = describeKey(jwk);
        described.add(view);
        if (Boolean.TRUE.equals(view.get("usable"))) {
          usable++;
        }
      }
    }
    report.put("keys", described);
    if (usable == 0) {
      return down(report, "no signing key in the set (RSA, EC or OKP, not use=enc)");
    }
    report.put("health", "UP");
    return report;
  }

  private static Map<String, Object> describeKey(Map<?, ?> jwk) {
    Map<String, Object> view = new LinkedHashMap<>();
    String kty = text(jwk.get("kty"));
    view.put("kid", text(jwk.get("kid")));
    view.put("kty", kty);
    view.put("alg", text(jwk.get("alg")));
    view.put("use", text(jwk.get("use")));
    String crv = text(jwk.get("crv"));
    if (!crv.isEmpty()) {
      view.put("crv", crv);
    }
    if (jwk.get("n") instanceof String modulus) {
      view.put("bits", (long) modulus.replace("=", "").length() * 6L / 8L * 8L);
    }
    boolean signing = kty.equals("RSA") || kty.equals("EC") || kty.equals("OKP");
    view.put("usable", signing && !"enc".equals(text(jwk.get("use"))));
    return view;
  }

  private static String text(@Nullable Object value) {
    return value instanceof String s ? io.gatehouse.core.Redact.safe(s) : "";
  }

  private static Map<String, Object> down(Map<String, Object> report, String problem) {
    report.put("health", "DOWN");
    report.put("problem", problem);
    report.putIfAbsent("keys", List.of());
    return report;
  }

  private long elapsedMillis(long start) {
    return Duration.ofNanos(nanoTicker.getAsLong() - start).toMillis();
  }

  private static String readLimited(InputStream in) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IOException("the JWKS is larger than " + MAX_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String detail(IOException e) {
    String message = e.getMessage();
    return message == null ? "" : " (" + io.gatehouse.core.Redact.safe(message) + ")";
  }
}
