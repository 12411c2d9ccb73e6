package io.gatehouse.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.Caller;
import io.gatehouse.admin.ManagedGatehouse;
import io.gatehouse.admin.Management;
import io.gatehouse.apikey.TokenStores;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample as a user runs it (its application.properties), on a store in a temporary folder. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("gatehouse-sample");
    registry.add("gatehouse.store.url", () -> TokenStores.h2Url(dir));
  }

  @LocalServerPort int port;
  @Autowired ManagedGatehouse managed;

  private HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token(boolean admin, List<String> permissions) {
    return managed
        .management("dev", Caller.operator())
        .createToken(new Management.TokenRequest(admin, false, "sample", null, permissions, null))
        .token();
  }

  @Test
  void itemsNeedATokenAndDeployNeedsTheDeployPermission() throws Exception {
    assertThat(send("GET", "/api/items").statusCode()).isEqualTo(401);
    String reader = token(false, List.of());
    HttpResponse<String> items = send("GET", "/api/items", "x-apikey", reader);
    assertThat(items.statusCode()).isEqualTo(200);
    assertThat(items.body()).isEqualTo("[\"alpha\",\"beta\"]");
    assertThat(send("GET", "/api/whoami", "x-apikey", reader).body())
        .contains("\"GATEHOUSE_READ_WRITE\"", "\"space\":\"dev\"");

    assertThat(send("POST", "/api/deploy", "x-apikey", reader).statusCode()).isEqualTo(403);
    String ci = token(true, List.of("deploy"));
    HttpResponse<String> deployed = send("POST", "/api/deploy", "Authorization", "Bearer " + ci);
    assertThat(deployed.statusCode()).isEqualTo(200);
    assertThat(deployed.body()).contains("deployed");
    assertThat(send("GET", "/_admin/").statusCode()).isEqualTo(200);
  }

  @Test
  void mainStartsTheApplication() {
    // Not a web app here (so no second server or store): main itself is what is checked.
    SampleApplication.main(
        new String[] {"--spring.main.web-application-type=none", "--spring.main.banner-mode=off"});
  }
}
