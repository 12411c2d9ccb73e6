package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Gatehouse;
import io.gatehouse.jwks.IssuerConfig;
import io.gatehouse.jwks.Issuers;
import io.gatehouse.jwks.JwtAuthenticator;
import io.gatehouse.servlet.GatehouseFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 11 end to end: a real signed JWT whose {@code scope} says {@code ADMIN}, verified
 * by auth-jwks, reaching a servlet behind the real {@link GatehouseFilter} on Jetty, holds no
 * access level or permission role; its scopes are {@code scope:} roles only.
 */
class JwtScopeRolesTest {
  private static final byte[] SECRET =
      "a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  private static final String ISSUER = "https://idp.test";
  private static final List<String> ROLES =
      List.of(
          "ADMIN",
          "admin",
          "deploy",
          "manage",
          "READ_WRITE",
          "access:ADMIN",
          "access:READ_WRITE",
          "perm:ADMIN",
          "perm:deploy",
          "scope:ADMIN",
          "scope:deploy");

  @Test
  void aJwtWithScopeAdminHoldsNoAccessOrPermissionRole() throws Exception {
    Gatehouse gatehouse =
        Gatehouse.builder()
            .authenticator(
                JwtAuthenticator.builder()
                    .issuers(
                        Issuers.of(
                            IssuerConfig.builder(ISSUER)
                                .hmacSecret(SECRET)
                                .algorithms("HS256")
                                .audience("api")
                                .build()))
                    .build())
            .build();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    FilterHolder filter = new FilterHolder(GatehouseFilter.builder(gatehouse).build());
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder roles = new ServletHolder(new RolesServlet());
    roles.setAsyncSupported(true);
    context.addServlet(roles, "/*");
    server.setHandler(context);
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/roles");
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri)
                      .header("Authorization", "Bearer " + jwt("ADMIN deploy manage"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body())
          .contains("ADMIN=false")
          .contains("admin=false")
          .contains("deploy=false")
          .contains("manage=false")
          .contains("READ_WRITE=false")
          .contains("access:ADMIN=false")
          .contains("perm:ADMIN=false")
          .contains("perm:deploy=false")
          .contains("access:READ_WRITE=true")
          .contains("scope:ADMIN=true")
          .contains("scope:deploy=true");
    } finally {
      server.stop();
    }
  }

  private static String jwt(String scope) throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setSubject("mallory");
    claims.setAudience("api");
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(10);
    claims.setClaim("scope", scope);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
    jws.setKey(new HmacKey(SECRET));
    return jws.getCompactSerialization();
  }

  /** Answers {@code role=held} for each role of {@link #ROLES}, one per line. */
  static final class RolesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      StringBuilder out = new StringBuilder();
      for (String role : ROLES) {
        out.append(role).append('=').append(request.isUserInRole(role)).append('\n');
      }
      response.setContentType("text/plain");
      response.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}
