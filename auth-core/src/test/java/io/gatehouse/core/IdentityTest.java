package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdentityTest {

  @Test
  void aMapOrSetChangedAfterBuildDoesNotChangeTheIdentity() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("team", "ops");
    claims.put("level", 3L);
    Set<String> permissions = new HashSet<>(Set.of("deploy"));
    Identity identity =
        Identity.builder("svc", "jwt", "dev").claims(claims).permissions(permissions).build();

    claims.put("team", "attackers");
    claims.put("admin", true);
    permissions.add("restore");

    assertThat(identity.claims()).containsExactly(Map.entry("team", "ops"), Map.entry("level", 3L));
    assertThat(identity.permissions()).containsExactly("deploy");
    assertThatThrownBy(() -> identity.claims().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> identity.permissions().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void permissionsAreSortedEachOnceAndANullOneIsRefused() {
    Identity identity =
        Identity.builder("svc", "jwt", "dev")
            .permissions(Set.of("query", "backup", "deploy"))
            .build();
    assertThat(identity.permissions()).containsExactly("backup", "deploy", "query");
    assertThat(identity.permissions()).isEqualTo(Set.of("deploy", "query", "backup"));
    assertThat(identity.permissions()).hasToString("[backup, deploy, query]");
    assertThat(identity.hasPermission("deploy")).isTrue();
    assertThat(identity.hasPermission("restore")).isFalse();
    assertThat(Identity.sortedPermissions(List.of("b", "a", "b", "c", "a")))
        .containsExactly("a", "b", "c");
    List<String> withNull = new ArrayList<>();
    withNull.add("a");
    withNull.add(null);
    assertThatThrownBy(() -> Identity.sortedPermissions(withNull))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void whatTheIdentityAlreadyOwnsIsKeptNotCopied() {
    Set<String> sorted = Identity.sortedPermissions(List.of("b", "a"));
    Map<String, Object> immutable = Map.of("team", "ops");
    Identity identity =
        Identity.builder("svc", "jwt", "dev").permissions(sorted).claims(immutable).build();

    assertThat(identity.permissions()).isSameAs(sorted);
    assertThat(identity.claims()).isSameAs(immutable);
    Identity readOnly = identity.withAccess(Access.READ);
    assertThat(readOnly.permissions()).isSameAs(identity.permissions());
    assertThat(readOnly.claims()).isSameAs(identity.claims());
    // A copied map is copied once: the identity's own map is kept by withAccess.
    Identity copied =
        Identity.builder("svc", "jwt", "dev").claims(new LinkedHashMap<>(immutable)).build();
    assertThat(copied.withAccess(Access.READ).claims()).isSameAs(copied.claims());
  }

  @Test
  void lazyClaimsAreReadOnceOnFirstAccessAndCopied() {
    AtomicInteger reads = new AtomicInteger();
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("sub", "alice");
    source.put("exp", 42L);
    source.put("note", null);
    Identity identity =
        Identity.builder("alice", "jwt", "dev")
            .claims(
                Identity.lazyClaims(
                    () -> {
                      reads.incrementAndGet();
                      return source;
                    }))
            .build();
    assertThat(reads).hasValue(0);

    assertThat(identity.claims())
        .containsExactly(
            Map.entry("sub", "alice"),
            Map.entry("exp", 42L),
            new java.util.AbstractMap.SimpleEntry<String, Object>("note", null));
    assertThat(identity.claims().get("exp")).isEqualTo(42L);
    assertThat(identity.claims()).hasSize(3).containsKey("note");
    assertThat(reads).hasValue(1);
    // The source's map was copied: changing it afterwards changes nothing.
    source.put("sub", "mallory");
    assertThat(identity.claims()).containsEntry("sub", "alice");
    assertThat(identity.withClaims(Map.of("x", 1)).claims()).containsKeys("sub", "x");
    assertThatThrownBy(() -> identity.claims().remove("sub"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(reads).hasValue(1);
  }

  @Test
  void lazyClaimsReadFromManyThreadsAtOnceAreReadOnce() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Map<String, Object> claims =
        Identity.lazyClaims(
            () -> {
              reads.incrementAndGet();
              return Map.of("sub", "alice");
            });
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> reads4 = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reads4.add(
            pool.submit(
                () -> {
                  start.await();
                  return claims.get("sub");
                }));
      }
      start.countDown();
      for (Future<Object> read : reads4) {
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("alice");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(reads).hasValue(1);
  }
}
