package io.gatehouse.console;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The console's "test fetch": fetches a JWKS URL once, with short timeouts, no redirects, no proxy
 * and a size limit, and reports the keys found (never key material: kid, kty, alg, use, curve,
 * size) and the source's health: {@code UP} when at least one signing key is usable, {@code DOWN}
 * with the problem otherwise.
 *
 * <p>Only URLs {@link ProbeTarget} allows are fetched, and only from the addresses it checked. The
 * report says what went wrong as a class ("HTTP 4xx", "connection refused", "timeout", "not a JWKS
 * document"), never the server's body or an internal error text, so the probe cannot be used to
 * read what an internal service answers.
 */
final class JwksProbe {
  static final int MAX_BYTES = 1024 * 1024;

  private final Duration timeout;
  private final LongSupplier nanoTicker;
  private final ProbeTarget.Resolver resolver;

  JwksProbe(Duration timeout, LongSupplier nanoTicker, ProbeTarget.Resolver resolver) {
    this.timeout = timeout;
    this.nanoTicker = nanoTicker;
    this.resolver = resolver;
  }

  /**
   * Fetches {@code url} and reports.
   *
   * @throws IllegalArgumentException when the URL is malformed or not allowed (the message says
   *     why)
   */
  Map<String, Object> probe(String url) {
    URI uri = ProbeTarget.parse(url);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("url", uri.toString());
    List<InetAddress> addresses;
    try {
      addresses = ProbeTarget.resolve(uri, resolver);
    } catch (UnknownHostException e) {
      return down(report, "unknown host");
    }
    long start = nanoTicker.getAsLong();
    HttpURLConnection connection = null;
    try {
      connection = open(uri, addresses);
      int status = connection.getResponseCode();
      report.put("httpStatus", statusClass(status));
      if (status != 200) {
        report.put("millis", elapsedMillis(start));
        return down(
            report, "the server answered HTTP " + statusClass(status) + redirectNote(status));
      }
      String body = readLimited(connection.getInputStream(), start);
      report.put("millis", elapsedMillis(start));
      return describeKeys(report, body);
    } catch (IOException e) {
      report.put("millis", elapsedMillis(start));
      return down(report, problem(e));
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  /**
   * Over http (loopback only) the URL is rewritten to the checked address, so nothing is looked up
   * again; over https the name stays (TLS checks the certificate against it), and the socket
   * factory refuses a connection whose peer is not a checked address.
   */
  private HttpURLConnection open(URI uri, List<InetAddress> addresses) throws IOException {
    HttpURLConnection connection;
    if (uri.getScheme().equalsIgnoreCase("https")) {
      HttpsURLConnection https = (HttpsURLConnection) toUrl(uri).openConnection(Proxy.NO_PROXY);
      https.setSSLSocketFactory(new PinnedSocketFactory(addresses));
      connection = https;
    } else {
      String pinned =
          "http://"
              + ProbeTarget.urlHost(addresses.get(0))
              + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
              + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      connection = (HttpURLConnection) toUrl(URI.create(pinned)).openConnection(Proxy.NO_PROXY);
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    connection.setConnectTimeout(millis);
    connection.setReadTimeout(millis);
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setRequestProperty("Accept", "application/json, application/jwk-set+json");
    return connection;
  }

  private static URL toUrl(URI uri) throws IOException {
    try {
      return uri.toURL();
    } catch (IllegalArgumentException e) {
      throw new IOException("not a URL", e);
    }
  }

  /** A generic description of a failed fetch: the kind of failure, never its text. */
  private static String problem(IOException e) {
    if (e instanceof AddressChanged) {
      return "refused: the host's address changed after it was checked";
    }
    if (e instanceof TooLarge) {
      return "the JWKS is larger than " + MAX_BYTES + " bytes";
    }
    if (e instanceof SocketTimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof SSLException) {
      return "TLS handshake failed";
    }
    return "fetch failed";
  }

  static String statusClass(int status) {
    return status >= 100 && status <= 599 ? (status / 100) + "xx" : "invalid";
  }

  private static String redirectNote(int status) {
    return status / 100 == 3 ? " (redirects are not followed: enter the final URL)" : "";
  }

  private static Map<String, Object> describeKeys(Map<String, Object> report, String body) {
    Map<String, Object> document;
    try {
      document = StrictJson.parseObject(body);
    } catch (IllegalArgumentException e) {
      return down(report, "not a JWKS document (not a JSON object)");
    }
    if (!(document.get("keys") instanceof List<?> keys)) {
      return down(report, "not a JWKS document (no \"keys\" array)");
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

  /**
   * Reads at most {@link #MAX_BYTES}, and gives up when the whole fetch takes twice the timeout.
   */
  private String readLimited(InputStream in, long start) throws IOException {
    long budget = timeout.multipliedBy(2).toNanos();
    try (in) {
      byte[] buffer = new byte[8192];
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        if (out.size() > MAX_BYTES) {
          throw new TooLarge();
        }
        if (nanoTicker.getAsLong() - start > budget) {
          throw new SocketTimeoutException("slow body");
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** The answer is larger than {@link #MAX_BYTES}. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** The connection went to an address other than the checked ones (DNS rebinding). */
  static final class AddressChanged extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The platform's TLS socket factory, but layered only over a connection whose peer is one of the
   * checked addresses. {@link HttpsURLConnection} asks for an unconnected socket first; the
   * inherited {@link javax.net.SocketFactory#createSocket()} refuses, so it connects a plain socket
   * itself and layers TLS over it here, where the peer it actually reached is known.
   */
  static final class PinnedSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory platform = (SSLSocketFactory) SSLSocketFactory.getDefault();
    private final List<InetAddress> allowed;

    PinnedSocketFactory(List<InetAddress> allowed) {
      this.allowed = List.copyOf(allowed);
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
        throws IOException {
      if (!allowed.contains(socket.getInetAddress())) {
        socket.close();
        throw new AddressChanged();
      }
      return platform.createSocket(socket, host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return platform.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return platform.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw notPinned();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      throw notPinned();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      throw notPinned();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      throw notPinned();
    }

    private static SocketException notPinned() {
      return new SocketException("only layered connections are checked");
    }
  }
}
