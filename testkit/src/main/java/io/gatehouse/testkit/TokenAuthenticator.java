package io.gatehouse.testkit;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A test authenticator using only the core SPI: a fixed table of tokens read from one header (or
 * from {@code Authorization: Bearer}), optionally answering after a delay on another thread.
 */
public final class TokenAuthenticator implements Authenticator {
  private final String id;
  private final String header;
  private final boolean bearer;
  private final Map<String, AuthOutcome> table;
  private final Duration delay;

  private TokenAuthenticator(
      String id, String header, boolean bearer, Map<String, AuthOutcome> table, Duration delay) {
    this.id = id;
    this.header = header;
    this.bearer = bearer;
    this.table = table;
    this.delay = delay;
  }

  /** Reads the token from {@code header}; abstains with an {@code ApiKey} challenge without it. */
  public static TokenAuthenticator header(
      String header, Map<String, AuthOutcome> table, Duration delay) {
    return new TokenAuthenticator("header-token", header, false, table, delay);
  }

  /** Reads {@code Authorization: Bearer <token>}; abstains with a {@code Bearer} challenge. */
  public static TokenAuthenticator bearer(Map<String, AuthOutcome> table, Duration delay) {
    return new TokenAuthenticator("bearer-token", "Authorization", true, table, delay);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
    AuthOutcome outcome = decide(context.request().headers(header));
    if (delay.isZero()) {
      return outcome.completed();
    }
    return CompletableFuture.supplyAsync(
        () -> outcome, CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  private AuthOutcome decide(List<String> values) {
    Challenge challenge =
        bearer
            ? Challenge.bearer("test")
            : Challenge.apiKey("test", header.toLowerCase(java.util.Locale.ROOT));
    if (values.isEmpty()) {
      return AuthOutcome.abstain(challenge);
    }
    if (values.size() > 1) {
      return AuthOutcome.failure(Reason.MALFORMED, "the token header was sent twice", challenge);
    }
    String token = values.get(0);
    if (bearer) {
      if (!token.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return AuthOutcome.abstain(challenge);
      }
      token = token.substring(7).trim();
    }
    AuthOutcome known = table.get(token);
    return known != null
        ? known
        : AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown token", challenge);
  }
}
