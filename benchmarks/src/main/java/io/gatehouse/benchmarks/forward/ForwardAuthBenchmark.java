package io.gatehouse.benchmarks.forward;

import io.gatehouse.apikey.ApiKeys;
import io.gatehouse.apikey.NewToken;
import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.servlet.ForwardAuthServlet;
import io.gatehouse.testkit.Nginx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second through nginx with {@code auth_request} asking Gatehouse's forward-auth
 * endpoint (Jetty, in this JVM, a cached API token), beside nginx alone on the same route: the
 * floor {@code plainServer} is {@code /plain/}, proxied straight to the upstream; {@code
 * gatedServer} is {@code /}, the same proxying after the auth subrequest. The upstream is a second
 * nginx server answering {@code return 200} so that it costs both rows the same and little. Four
 * client threads share one JDK HttpClient (HTTP/1.1, keep-alive); nginx keeps its connections to
 * Gatehouse and to the upstream alive too. Read the ratio, not the absolute figures.
 *
 * <p>Without nginx ({@code apt-get install -y nginx}) the setup fails with that install line and
 * JMH reports the rows as failed; the other groups are unaffected.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(4)
@Fork(1)
public class ForwardAuthBenchmark {
  private Path dir;
  private Server gatehouse;
  private Nginx nginx;
  private HttpClient client;
  private HttpRequest plain;
  private HttpRequest guarded;

  @Setup
  public void setUp() throws Exception {
    if (Nginx.executable() == null) {
      throw new IllegalStateException(
          "forward: nginx is not installed (" + Nginx.INSTALL_LINE + "); skipping its rows");
    }
    ApiKeys keys = ApiKeys.builder(TokenStores.inMemory()).build();
    String token = keys.create(NewToken.apiToken("default").build()).token();
    gatehouse = jetty(Gatehouse.builder().authenticator(keys.authenticator()).build());
    int gatehousePort = ((ServerConnector) gatehouse.getConnectors()[0]).getLocalPort();
    dir = Files.createTempDirectory("gatehouse-forward-bench");
    nginx = Nginx.start(dir, port -> config(port, gatehousePort));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    plain = HttpRequest.newBuilder(URI.create(nginx.baseUrl() + "/plain/items")).build();
    guarded =
        HttpRequest.newBuilder(URI.create(nginx.baseUrl() + "/items"))
            .header("x-apikey", token)
            .build();
    for (HttpRequest request : new HttpRequest[] {plain, guarded}) {
      int status = send(request);
      if (status != 200) {
        throw new IllegalStateException(
            "forward: " + request.uri() + " answered " + status + "\n" + nginx.errorLog());
      }
    }
  }

  /** The upstream listens on a unix socket in the directory: no second port to find. */
  private String config(int port, int gatehousePort) {
    String socket = "unix:" + dir.resolve("upstream.sock");
    return String.join(
        "\n",
        "upstream gatehouse { server 127.0.0.1:" + gatehousePort + "; keepalive 32; }",
        "upstream app { server " + socket + "; keepalive 32; }",
        "server { listen " + socket + "; location / { return 200 \"ok\\n\"; } }",
        "server {",
        "  listen 127.0.0.1:" + port + ";",
        "  keepalive_requests 1000000;",
        "  location /plain/ {",
        "    proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\";",
        "  }",
        "  location / {",
        "    auth_request /_gatehouse_authz;",
        "    auth_request_set $gatehouse_subject $upstream_http_x_gatehouse_subject;",
        "    proxy_set_header X-Gatehouse-Subject $gatehouse_subject;",
        "    proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection \"\";",
        "  }",
        "  location = /_gatehouse_authz {",
        "    internal;",
        "    proxy_pass http://gatehouse/_authz;",
        "    proxy_pass_request_body off;",
        "    proxy_set_header Content-Length \"\";",
        "    proxy_set_header X-Original-Method $request_method;",
        "    proxy_set_header X-Original-URI $request_uri;",
        "    proxy_set_header X-Forwarded-For $remote_addr;",
        "    proxy_http_version 1.1; proxy_set_header Connection \"\";",
        "  }",
        "}");
  }

  private static Server jetty(Gatehouse pipeline) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/_authz");
    context.setAllowNullPathInContext(true);
    ServletHolder holder = new ServletHolder(ForwardAuthServlet.builder(pipeline).build());
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    server.setHandler(context);
    server.start();
    return server;
  }

  private int send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The floor: nginx proxying to the upstream, no auth subrequest. */
  @Benchmark
  public int plainServer() throws IOException, InterruptedException {
    return send(plain);
  }

  /** The same route after nginx asked Gatehouse (200 with the identity headers). */
  @Benchmark
  public int gatedServer() throws IOException, InterruptedException {
    return send(guarded);
  }

  @TearDown
  public void tearDown() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    if (gatehouse != null) {
      gatehouse.stop();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
