package io.gatehouse.apikey;

import io.gatehouse.core.Redact;
import java.util.Objects;

/**
 * A token just created or rotated: the only time its full text exists outside the client. Show it
 * once; the store keeps only its hash.
 *
 * @param token the full token text
 * @param info what is stored about it
 */
public record CreatedToken(String token, TokenInfo info) {

  public CreatedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(info, "info");
  }

  /** Never prints the token: a {@code CreatedToken} in a log line must not leak it. */
  @Override
  public String toString() {
    return "CreatedToken[token=" + Redact.secret(token) + ", info=" + info + "]";
  }
}
