package io.gatehouse.testkit;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The tokens and pipeline every adapter test uses. */
public final class Fixtures {
  public static final String WRITER = "writer-token-0001";
  public static final String READER = "reader-token-0002";
  public static final String DOWN = "down-token-0003";

  private Fixtures() {}

  public static Map<String, AuthOutcome> table() {
    return Map.of(
        WRITER,
        AuthOutcome.success(
            Identity.builder("alice", "header-token", SpaceResolver.DEFAULT_SPACE)
                .access(Access.READ_WRITE)
                .permissions(Set.of("deploy"))
                .build()),
        READER,
        AuthOutcome.success(
            Identity.builder("bob", "header-token", SpaceResolver.DEFAULT_SPACE)
                .access(Access.READ)
                .build()),
        DOWN,
        AuthOutcome.unavailable("the token store did not answer", Duration.ofSeconds(7), null));
  }

  /**
   * Header tokens in {@code x-apikey} answering at once, and a path rule: {@code pathPrefix} needs
   * {@code permission} ({@link #WRITER} holds {@code deploy}, not {@code backup}).
   */
  public static Gatehouse requiring(String pathPrefix, String permission) {
    return Gatehouse.builder()
        .authenticator(TokenAuthenticator.header("x-apikey", table(), Duration.ZERO))
        .accessPolicy(io.gatehouse.core.AccessPolicy.requirePermission(pathPrefix, permission))
        .build();
  }

  /** Header tokens in {@code x-apikey}, then bearer tokens; each answers after {@code delay}. */
  public static Gatehouse gatehouse(Duration delay) {
    return Gatehouse.builder()
        .authenticator(TokenAuthenticator.header("x-apikey", table(), delay))
        .authenticator(TokenAuthenticator.bearer(table(), delay))
        .build();
  }
}
