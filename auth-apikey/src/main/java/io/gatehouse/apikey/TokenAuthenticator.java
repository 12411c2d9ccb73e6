package io.gatehouse.apikey;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks Gatehouse tokens of one kind, read from a header (e.g. {@code x-apikey}), from {@code
 * Authorization: Bearer}, and optionally from a query parameter.
 *
 * <p>Order of checks, cheapest first: presence and repetition, length, then the token's shape and
 * checksum (a malformed token is refused here, with no I/O and no allocation beyond the outcome),
 * then the hash and the cache, and only on a cache miss the store, on the I/O executor. Details
 * name the token id at most; never the token.
 */
final class TokenAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);

  /**
   * The claim, on the identity of a token's replaced secret presented during a rotation's grace, of
   * the instant (ISO-8601) that secret stops working. Absent when the current secret was presented.
   */
  static final String GRACE_UNTIL_CLAIM = "token_grace_until";

  /** Longer input is refused before anything else looks at it. */
  static final int MAX_TOKEN_LENGTH = 512;

  private final String id;
  private final TokenKind kind;
  private final @Nullable String header;
  private final boolean bearer;
  private final @Nullable String queryParameter;
  private final @Nullable Pattern importShape;
  private final TokenLookup lookup;
  private final Hasher hasher;
  private final LastUsedRecorder lastUsed;
  private final Duration retryAfter;

  private final AuthOutcome.Abstain abstain;
  private final Map<TokenCodec.Shape, CompletionStage<AuthOutcome>> malformed =
      new EnumMap<>(TokenCodec.Shape.class);
  private final CompletionStage<AuthOutcome> tooLong;
  private final CompletionStage<AuthOutcome> repeated;
  private final CompletionStage<AuthOutcome> wrongKind;
  private final CompletionStage<AuthOutcome> notAToken;
  private final CompletionStage<AuthOutcome> unknown;
  private final CompletionStage<AuthOutcome> revoked;
  private final CompletionStage<AuthOutcome> rotatedOut;
  private final CompletionStage<AuthOutcome> expired;
  private final CompletionStage<AuthOutcome> tooManyLookups;

  TokenAuthenticator(
      String id,
      TokenKind kind,
      @Nullable String header,
      boolean bearer,
      @Nullable String queryParameter,
      @Nullable Pattern importShape,
      String realm,
      TokenLookup lookup,
      Hasher hasher,
      LastUsedRecorder lastUsed,
      Duration retryAfter) {
    this.id = id;
    this.kind = kind;
    this.header = header;
    this.bearer = bearer;
    this.queryParameter = queryParameter;
    this.importShape = importShape;
    this.lookup = lookup;
    this.hasher = hasher;
    this.lastUsed = lastUsed;
    this.retryAfter = retryAfter;
    Challenge challenge =
        header != null ? Challenge.apiKey(realm, header) : Challenge.bearer(realm);
    this.abstain = AuthOutcome.abstain(challenge);
    String noun = kind == TokenKind.ADMIN ? "admin token" : "API token";
    for (TokenCodec.Shape shape : TokenCodec.Shape.values()) {
      if (!shape.detail.isEmpty()) {
        malformed.put(shape, refuse(Reason.MALFORMED, shape.detail, challenge));
      }
    }
    this.tooLong =
        refuse(
            Reason.MALFORMED,
            "the token is longer than " + MAX_TOKEN_LENGTH + " characters",
            challenge);
    this.repeated = refuse(Reason.MALFORMED, "more than one token was sent", challenge);
    this.wrongKind =
        refuse(Reason.MALFORMED, "this is not an " + noun + " (wrong prefix)", challenge);
    this.notAToken =
        refuse(Reason.MALFORMED, "the value is not an " + noun + " this server accepts", challenge);
    this.unknown = refuse(Reason.UNKNOWN_CREDENTIAL, "unknown " + noun, challenge);
    this.revoked = refuse(Reason.REVOKED, "the " + noun + " was revoked", challenge);
    this.rotatedOut =
        refuse(
            Reason.REVOKED,
            "the " + noun + " was rotated and the old secret's grace period is over",
            challenge);
    this.expired = refuse(Reason.EXPIRED, "the " + noun + " has expired", challenge);
    this.tooManyLookups =
        CompletableFuture.completedFuture(
            AuthOutcome.throttled(
                Reason.THROTTLED,
                "too many token lookups in flight from this address; retry shortly",
                Duration.ofSeconds(1),
                null));
  }

  private static CompletionStage<AuthOutcome> refuse(
      Reason reason, String detail, Challenge challenge) {
    return CompletableFuture.completedFuture(AuthOutcome.failure(reason, detail, challenge));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
    AuthRequest request = context.request();
    String token = null;
    int found = 0;
    if (header != null) {
      List<String> values = request.headers(header);
      found += values.size();
      if (!values.isEmpty()) {
        token = values.get(0);
      }
    }
    if (bearer) {
      for (String value : request.headers("authorization")) {
        String credential = bearerCredential(value);
        if (credential != null) {
          found++;
          token = credential;
        }
      }
    }
    if (queryParameter != null) {
      List<String> values = queryValues(request.rawQuery(), queryParameter);
      found += values.size();
      if (!values.isEmpty()) {
        token = values.get(0);
      }
    }
    if (found == 0 || token == null) {
      return abstain.completed();
    }
    if (found > 1) {
      return repeated;
    }
    return check(token.trim(), context);
  }

  /** The credential of {@code Bearer <token>} when the token has this kind's prefix, else null. */
  private @Nullable String bearerCredential(String value) {
    if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String credential = value.substring(7).trim();
    return credential.startsWith(kind.prefix()) ? credential : null;
  }

  /** Every value of parameter {@code name} in the query, percent-decoded when possible. */
  private static List<String> queryValues(@Nullable String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return List.of();
    }
    List<String> values = new ArrayList<>(1);
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        values.add(decode(eq < 0 ? "" : pair.substring(eq + 1)));
      }
    }
    return values;
  }

  /** Percent-decodes {@code value}; a bad encoding is kept as is and fails the shape check. */
  private static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  private CompletionStage<AuthOutcome> check(String token, AuthContext context) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return tooLong;
    }
    if (token.length() == TokenCodec.TOKEN_LENGTH && token.startsWith(kind.prefix())) {
      // The usual case. One copy of the token to bytes serves both the checksum and the hash (a
      // valid token is ASCII, so these bytes are its UTF-8 bytes); the checksum still comes first.
      byte[] bytes = TokenCodec.bytesOf(token);
      TokenCodec.Shape shape = TokenCodec.checkBytes(bytes);
      if (shape != TokenCodec.Shape.VALID) {
        return malformedRefusal(shape);
      }
      TokenHash hash = hasher.hash(bytes);
      String tokenId = TokenCodec.idOf(token);
      return verify(
          lookup.byId(tokenId, context.now(), context.clientAddress()), tokenId, hash, context);
    }
    TokenCodec.Shape shape = TokenCodec.check(token);
    if (shape == TokenCodec.Shape.VALID) {
      return wrongKind; // well formed, but with another kind's prefix (ours took the branch above)
    }
    if (shape == TokenCodec.Shape.FOREIGN) {
      if (importShape == null || !importShape.matcher(token).matches()) {
        return notAToken;
      }
      TokenHash hash = hasher.hash(token);
      return verify(
          lookup.byHash(hash, context.now(), context.clientAddress()),
          TokenLookup.hashKey(hash),
          hash,
          context);
    }
    return malformedRefusal(shape);
  }

  private CompletionStage<AuthOutcome> malformedRefusal(TokenCodec.Shape shape) {
    CompletionStage<AuthOutcome> refusal = malformed.get(shape);
    return refusal != null ? refusal : notAToken;
  }

  private CompletionStage<AuthOutcome> verify(
      CompletableFuture<TokenLookup.Entry> pending,
      String key,
      TokenHash hash,
      AuthContext context) {
    if (pending.isDone()) {
      if (pending.isCompletedExceptionally()) {
        return storeFailed(key, failureOf(pending));
      }
      return decide(pending.join(), hash, context);
    }
    // Cache miss: the store answers on the I/O executor; so does this continuation.
    return pending.handle(
        (entry, error) ->
            (error != null ? storeFailed(key, error) : decide(entry, hash, context))
                .toCompletableFuture()
                .join());
  }

  /**
   * The store could not answer: a token this instance knows to be revoked is still refused as
   * revoked (a revocation is final; telling its client to retry would be wrong), anything else is
   * 503. A revocation known by id answers for any secret with that id: during an outage the secret
   * cannot be checked, and every secret of a revoked id is refused anyway.
   */
  private CompletionStage<AuthOutcome> storeFailed(String key, @Nullable Throwable cause) {
    if (lookup.isKnownRevoked(key)) {
      LOG.debug(
          "token store unavailable; token {} is known to be revoked",
          key.startsWith(TokenLookup.HASH_KEY_PREFIX) ? "(imported)" : key);
      return revoked;
    }
    if (cause instanceof TokenLookup.TooManyLookups) {
      return tooManyLookups;
    }
    return CompletableFuture.completedFuture(unavailable(cause));
  }

  private CompletionStage<AuthOutcome> decide(
      TokenLookup.Entry entry, TokenHash hash, AuthContext context) {
    if (!(entry instanceof TokenLookup.Found found)) {
      return unknown;
    }
    TokenRecord record = found.record;
    Instant now = context.now();
    if (!record.space().equals(context.space())) {
      return unknown; // a token of another space is unknown here; say nothing more
    }
    Instant graceEnd = null;
    if (!record.hash().matches(hash)) {
      if (!hash.matches(record.previousHash())) {
        return unknown;
      }
      graceEnd = record.previousValidUntil();
      if (graceEnd == null || !now.isBefore(graceEnd)) {
        return rotatedOut;
      }
    }
    if (record.kind() != kind) {
      return unknown;
    }
    Instant revokedAt = record.revokedAt();
    if (revokedAt != null && !now.isBefore(revokedAt)) {
      return revoked;
    }
    Instant expiresAt = record.expiresAt();
    if (expiresAt != null && !now.isBefore(expiresAt)) {
      return expired;
    }
    String fromPage = BrowserAccess.refusal(context.request(), record.origins());
    if (fromPage != null && !context.setting(BrowserAccess.ALLOWED)) {
      // A valid token, refused for where it is used from: 403, not counted as a refused credential.
      return CompletableFuture.completedFuture(
          AuthOutcome.failure(Reason.BROWSER_REFUSED, fromPage));
    }
    lastUsed.mark(found, now);
    if (graceEnd != null) {
      // The replaced secret, during its grace: built per request and never cached, since the cached
      // outcome is the current secret's and must not carry this secret's end.
      return CompletableFuture.completedFuture(AuthOutcome.success(identity(record, graceEnd)));
    }
    // The record is immutable and cached: build its identity and completed outcome once (per
    // authenticator id, since several authenticators may share the cache).
    TokenLookup.Granted granted = found.granted;
    if (granted == null || !granted.method().equals(id)) {
      granted =
          new TokenLookup.Granted(
              id, CompletableFuture.completedFuture(AuthOutcome.success(identity(record, null))));
      found.granted = granted;
    }
    return granted.outcome();
  }

  /**
   * The identity of a token; {@code graceEnd} is set when the token's replaced secret was presented
   * during a rotation's grace: the identity then says, in {@value #GRACE_UNTIL_CLAIM}, when that
   * secret stops working, so that whatever outlives the request (a console session) can end then.
   */
  private Identity identity(TokenRecord record, @Nullable Instant graceEnd) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("token_kind", record.kind().name().toLowerCase(Locale.ROOT));
    claims.put("token_name", record.name());
    claims.put("token_prefix", record.maskedPrefix());
    String owner = record.owner();
    if (owner != null) {
      claims.put("token_owner", owner);
    }
    if (graceEnd != null) {
      claims.put(GRACE_UNTIL_CLAIM, graceEnd.toString());
    }
    String subject = record.kind() == TokenKind.ADMIN && owner != null ? owner : record.id();
    return Identity.builder(subject, id, record.space())
        .access(record.access())
        .permissions(record.permissions())
        .claims(claims)
        .credentialId(record.id())
        .expiresAt(record.expiresAt())
        .build();
  }

  private AuthOutcome unavailable(@Nullable Throwable cause) {
    LOG.debug("token lookup failed; refusing with 503", cause);
    return AuthOutcome.unavailable("the token store is unavailable", retryAfter, cause);
  }

  private static @Nullable Throwable failureOf(CompletableFuture<?> failed) {
    try {
      failed.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }
}
