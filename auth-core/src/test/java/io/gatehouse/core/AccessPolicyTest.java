package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
