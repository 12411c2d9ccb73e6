package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static Identity admin(String... permissions) {
    return Identity.builder("ci", "admintoken", "dev")
        .access(Access.ADMIN)
        .permissions(Set.of(permissions))
        .build();
  }

  private static AuthRequest post(String path) {
    return AuthRequest.builder().method("POST").path(path).build();
  }

  @Test
  void anyOfTheNamedPermissionsOpensThePrefixAndItsSubpathsOnly() {
    AccessPolicy policy =
        AccessPolicy.requireAnyPermission("/ops/deploy", Permissions.DEPLOY, "manage");

    assertThat(policy.check(post("/ops/deploy"), admin(Permissions.DEPLOY))).isNull();
    assertThat(policy.check(post("/ops/deploy/app1"), admin("manage"))).isNull();
    assertThat(policy.check(post("/ops/deploy/app1"), admin(Permissions.BACKUP)))
        .isEqualTo("one of the permissions 'deploy', 'manage' is required for /ops/deploy");
    // A sibling that merely shares the prefix's characters is not covered.
    assertThat(policy.check(post("/ops/deployments"), admin())).isNull();
    assertThat(policy.check(post("/elsewhere"), admin())).isNull();
  }

  @Test
  void onePermissionReadsAsBefore() {
    AccessPolicy policy = AccessPolicy.requirePermission("/ops/backup/", Permissions.BACKUP);

    assertThat(policy.check(post("/ops/backup/now"), admin(Permissions.DEPLOY)))
        .isEqualTo("permission 'backup' is required for /ops/backup/");
    assertThat(policy.check(post("/ops/backup/now"), admin(Permissions.BACKUP))).isNull();
  }

  @Test
  void requireAccessAsksForExactlyThatAccess() {
    AccessPolicy policy = AccessPolicy.requireAccess("/_admin", Access.ADMIN);
    Identity writer = Identity.builder("app", "apikey", "dev").access(Access.READ_WRITE).build();

    assertThat(policy.check(post("/_admin/api/tokens"), writer))
        .isEqualTo("access ADMIN is required for /_admin");
    assertThat(policy.check(post("/_admin/api/tokens"), admin())).isNull();
    assertThat(policy.check(post("/api/items"), writer)).isNull();
  }

  @Test
  void badArgumentsFailAtBuildTimeNamingThem() {
    assertThatThrownBy(() -> AccessPolicy.requireAnyPermission("/x"))
        .hasMessageContaining("at least one permission");
    assertThatThrownBy(() -> AccessPolicy.requireAnyPermission("/x", "deploy", "Not Valid!"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final Identity READER =
      Identity.builder("bob", "apikey", "dev").access(Access.READ).build();

  private static AuthRequest get(String... headers) {
    AuthRequest.Builder builder = AuthRequest.builder().method("GET").path("/items/1");
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder.build();
  }

  @Test
  void aMethodOverrideIsJudgedTooAndTheStricterMethodWins() {
    AccessPolicy policy = AccessPolicy.byMethod();
    for (String header : MethodOverride.HEADERS) {
      assertThat(policy.check(get(header, "DELETE"), READER))
          .as(header)
          .isEqualTo(
              "access READ does not allow method DELETE (asked for by a method override on GET)");
      assertThat(policy.check(get(header.toLowerCase(java.util.Locale.ROOT), " put "), READER))
          .as(header)
          .contains("method PUT");
    }
    // Comma-joined and repeated lines: any unsafe value makes it a write.
    assertThat(policy.check(get("X-HTTP-Method-Override", "GET, PATCH"), READER))
        .contains("method PATCH");
    assertThat(
            policy.check(
                get("X-HTTP-Method", "HEAD", "X-HTTP-Method", "delete", "X-Method-Override", "GET"),
                READER))
        .contains("method DELETE");
    // An unknown word may be a method to the app: unsafe.
    assertThat(policy.check(get("X-HTTP-Method-Override", "PURGE"), READER))
        .contains("method PURGE");
    // The Rails/Laravel-style query parameter, percent-encoded or not.
    AuthRequest query =
        AuthRequest.builder().method("GET").path("/items/1").rawQuery("a=1&_method=delete").build();
    assertThat(policy.check(query, READER)).contains("method DELETE");
    AuthRequest encoded =
        AuthRequest.builder().method("GET").path("/items/1").rawQuery("%5Fmethod=%50UT").build();
    assertThat(policy.check(encoded, READER)).contains("method PUT");

    // Safe overrides, empty values and a bare parameter stay reads; writers may override at will.
    assertThat(policy.check(get("X-HTTP-Method-Override", "HEAD, ,OPTIONS"), READER)).isNull();
    AuthRequest bare =
        AuthRequest.builder().method("GET").path("/items").rawQuery("_method&x=_method").build();
    assertThat(policy.check(bare, READER)).isNull();
    Identity writer = Identity.builder("app", "apikey", "dev").access(Access.READ_WRITE).build();
    assertThat(policy.check(get("X-HTTP-Method-Override", "DELETE"), writer)).isNull();
  }

  @Test
  void manyOverrideValuesAreBoundedAndEndUnsafe() {
    String many = String.join(",", java.util.Collections.nCopies(100, "GET"));
    List<String> values = MethodOverride.values(get("X-HTTP-Method-Override", many));
    assertThat(values).hasSize(32).endsWith("?");
    assertThat(AccessPolicy.byMethod().check(get("X-HTTP-Method-Override", many), READER))
        .contains("method ?");
  }

  @Test
  void theTraceSaysAnOverrideWasSeen() {
    Identity writer =
        Identity.builder("app", "apikey", "default").access(Access.READ_WRITE).build();
    Identity reader = Identity.builder("bob", "apikey", "default").access(Access.READ).build();
    Gatehouse gatehouse =
        Gatehouse.builder()
            .authenticator(
                TestAuthenticators.headerTokens("t", Map.of("writer", writer, "reader", reader)))
            .build();

    Decision allowed =
        gatehouse
            .decide(get("x-token", "writer", "X-HTTP-Method-Override", "DELETE"))
            .toCompletableFuture()
            .join();
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.trace().get(allowed.trace().size() - 1).detail())
        .isEqualTo("access READ_WRITE permits GET (method override DELETE seen; judged as DELETE)");

    Decision refused =
        gatehouse
            .decide(get("x-token", "reader", "X-HTTP-Method-Override", "DELETE"))
            .toCompletableFuture()
            .join();
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.reason()).isEqualTo(Reason.INSUFFICIENT_ACCESS);
    assertThat(refused.detail()).contains("method override");
  }
}
