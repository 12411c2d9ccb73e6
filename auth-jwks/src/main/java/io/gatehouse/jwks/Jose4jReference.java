package io.gatehouse.jwks;

import io.gatehouse.core.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;

/**
 * The reference path the fast one is compared with: jose4j's own JSON parser ({@code
 * JsonUtil.parseJson}, a fresh parser each time) and its {@code JwtClaims} getters. Used only by an
 * authenticator built with {@code referencePath()}, which tests run beside the normal one.
 */
final class Jose4jReference {
  private Jose4jReference() {}

  /** The JSON object in {@code utf8[from, to)} as jose4j reads it, or null. */
  static @Nullable Map<String, Object> json(byte[] utf8, int from, int to) {
    try {
      return JsonUtil.parseJson(new String(utf8, from, to - from, StandardCharsets.UTF_8));
    } catch (JoseException | RuntimeException e) {
      return null;
    }
  }

  /** The payload as jose4j's {@code JwtClaims}. */
  static Claims claims(byte[] payload) throws Refusal {
    try {
      return new Jose4jClaims(JwtClaims.parse(new String(payload, StandardCharsets.UTF_8)));
    } catch (InvalidJwtException | RuntimeException e) {
      throw new Refusal(Reason.MALFORMED, "payload is not a JSON claims set");
    }
  }

  /** {@link Claims} answered by jose4j's {@code JwtClaims}. */
  private static final class Jose4jClaims implements Claims {
    private final JwtClaims claims;

    Jose4jClaims(JwtClaims claims) {
      this.claims = claims;
    }

    @Override
    public @Nullable Object value(String name) {
      return claims.getClaimValue(name);
    }

    @Override
    public @Nullable String string(String name) throws WrongType {
      try {
        return claims.getClaimValue(name, String.class);
      } catch (MalformedClaimException e) {
        throw WrongType.INSTANCE;
      }
    }

    @Override
    public long date(String name, long absent) throws WrongType {
      try {
        NumericDate date = claims.getNumericDateClaimValue(name);
        return date == null ? absent : date.getValue();
      } catch (MalformedClaimException e) {
        throw WrongType.INSTANCE;
      }
    }

    @Override
    public List<String> audience() throws WrongType {
      try {
        return claims.hasAudience() ? claims.getAudience() : List.of();
      } catch (MalformedClaimException e) {
        throw WrongType.INSTANCE;
      }
    }

    @Override
    public Map<String, Object> all() {
      return claims.getClaimsMap();
    }
  }
}
