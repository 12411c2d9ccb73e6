package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The admin API's log lines name the route, never a token's text sent in its path. */
class AdminServletLogTest {
  @Test
  void aTokenInThePathIsNeverLogged() {
    String token = "gha_AbCdEfGhIj_s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3c";
    String uuid = "123e4567-e89b-12d3-a456-426614174000";

    assertThat(AdminServlet.loggable("DELETE /tokens/" + token))
        .startsWith("DELETE /tokens/gha_")
        .doesNotContain("s3cr3t");
    assertThat(AdminServlet.loggable("POST /tokens/" + uuid + "/rotate"))
        .endsWith("/rotate")
        .doesNotContain("426614174000");
    assertThat(AdminServlet.loggable("DELETE /tokens/AbCdEfGhIj"))
        .isEqualTo("DELETE /tokens/AbCdEfGhIj");
    assertThat(AdminServlet.loggable("GET /settings\r\nforged")).doesNotContain("\r", "\n");
  }
}
