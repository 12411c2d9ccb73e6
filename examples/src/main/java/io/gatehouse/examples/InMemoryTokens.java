package io.gatehouse.examples;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A tiny API-token authenticator for the examples: tokens in one header, kept only as SHA-256
 * hashes, answered synchronously from memory. Real deployments use {@code auth-apikey}.
 */
public final class InMemoryTokens implements Authenticator {
  private final String header;
  private final String realm;
  private final Map<String, Identity> byHash = new HashMap<>();

  /** Tokens are read from {@code header} (e.g. {@code x-apikey}); challenges name {@code realm}. */
  public InMemoryTokens(String header, String realm) {
    this.header = Objects.requireNonNull(header, "header").toLowerCase(Locale.ROOT);
    this.realm = Objects.requireNonNull(realm, "realm");
  }

  /** Adds a token; only its hash is kept. */
  public InMemoryTokens add(String token, Identity identity) {
    if (token.length() < 16) {
      throw new IllegalArgumentException(
          "a token needs at least 16 characters, got " + token.length());
    }
    byHash.put(sha256(token), Objects.requireNonNull(identity, "identity"));
    return this;
  }

  @Override
  public String id() {
    return "tokens";
  }

  @Override
  public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
    Challenge challenge = Challenge.apiKey(realm, header);
    List<String> values = context.request().headers(header);
    if (values.isEmpty()) {
      return AuthOutcome.abstain(challenge).completed();
    }
    if (values.size() > 1) {
      return AuthOutcome.failure(Reason.MALFORMED, "send the " + header + " header once", challenge)
          .completed();
    }
    // Looking up a hash reveals nothing about the token through timing.
    Identity identity = byHash.get(sha256(values.get(0)));
    return identity == null
        ? AuthOutcome.failure(Reason.UNKNOWN_CREDENTIAL, "unknown token", challenge).completed()
        : AuthOutcome.success(identity).completed();
  }

  private static String sha256(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
