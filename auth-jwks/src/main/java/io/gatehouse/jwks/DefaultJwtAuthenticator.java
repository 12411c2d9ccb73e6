package io.gatehouse.jwks;

import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.Challenge;
import io.gatehouse.core.Health;
import io.gatehouse.core.HealthCheck;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jspecify.annotations.Nullable;

/**
 * The {@link JwtAuthenticator}: parse once, inspect the header, pick the issuer from {@code iss}
 * (unconfigured: refused before any fetch), then the key, then verify and check claims.
 */
final class DefaultJwtAuthenticator implements JwtAuthenticator {
  private static final String BEARER = "bearer ";
  private static final String BEARER_USUAL = "Bearer ";

  private final String id;
  private final Challenge challenge;
  private final CompletionStage<AuthOutcome> abstain;
  private final Clock clock;
  private final AuthListener listener;
  private final Issuers staticIssuers;
  private final Map<String, Issuers> staticBySpace;
  private final int maxTokenLength;
  private final JwksOptions options;
  private final HttpClient http;
  private final TokenCache cache;
  private final boolean reference;
  private final Map<URI, JwksSource> sources = new ConcurrentHashMap<>();

  /** Each source's number, from 1 in order of creation: its name in health, never its URL. */
  private final Map<JwksSource, Integer> sourceNumbers = new ConcurrentHashMap<>();

  private final AtomicInteger sourceCount = new AtomicInteger();
  private final Map<IssuerConfig, List<JsonWebKey>> secretKeys = new ConcurrentHashMap<>();

  /** The issuer whose secret key was looked up last, and that key: most calls repeat it. */
  private volatile @Nullable SecretKeyEntry lastSecretKey;

  private record SecretKeyEntry(IssuerConfig issuer, List<JsonWebKey> keys) {}

  DefaultJwtAuthenticator(JwtAuthenticator.Builder builder, JwksOptions options) {
    this.id = builder.id;
    this.challenge = Challenge.bearer(builder.realm);
    this.abstain = AuthOutcome.abstain(challenge).completed();
    this.clock = builder.clock;
    this.listener = builder.listener;
    this.staticIssuers = builder.issuers;
    this.staticBySpace = Map.copyOf(builder.issuersBySpace);
    this.maxTokenLength = builder.maxTokenLength;
    this.options = options;
    HttpClient client = builder.httpClient;
    this.http =
        client != null
            ? client
            : HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.cache = new TokenCache(builder.tokenCacheSize, clock);
    this.reference = builder.referencePath;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public CompletionStage<AuthOutcome> authenticate(AuthContext context) {
    List<String> values = context.request().headers("authorization");
    if (values.isEmpty()) {
      return abstain;
    }
    if (values.size() > 1) {
      return refuse(new Refusal(Reason.MALFORMED, "Authorization header sent more than once"));
    }
    String value = values.get(0);
    // The usual spelling first: a plain prefix test, before the case-blind one.
    if (!value.startsWith(BEARER_USUAL)
        && !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      // Another scheme: not ours. "Bearer" without a token is ours and malformed.
      return value.strip().equalsIgnoreCase("bearer")
          ? refuse(new Refusal(Reason.MALFORMED, "empty bearer token"))
          : abstain;
    }
    // The token is value[from, to), stripped as String.strip would: no copy of it is made.
    int from = BEARER.length();
    int to = value.length();
    while (from < to && Character.isWhitespace(value.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
      to--;
    }
    if (from == to) {
      return refuse(new Refusal(Reason.MALFORMED, "empty bearer token"));
    }
    if (to - from > maxTokenLength) {
      return refuse(
          new Refusal(Reason.MALFORMED, "token longer than " + maxTokenLength + " characters"));
    }
    Issuers issuers = issuersFor(context);
    // With the cache off, a cold verify does not pay for hashing the token.
    TokenCache.TokenHash hash =
        cache.enabled() ? TokenCache.hash(value.substring(from, to)) : TokenCache.NO_HASH;
    CompletionStage<AuthOutcome> cached = fromCache(hash, context, issuers);
    if (cached != null) {
      return cached;
    }
    if (cache.enabled() && listener != AuthListener.NONE) {
      emit("jwt.cache_miss", context.space(), "token not in the verified-token cache", Map.of());
    }
    try {
      return verify(value, from, to, hash, context, issuers);
    } catch (Refusal refusal) {
      return refuse(refusal);
    }
  }

  private Issuers issuersFor(AuthContext context) {
    Issuers configured = context.setting(JwtSettings.ISSUERS);
    if (!configured.isEmpty()) {
      return configured;
    }
    return staticBySpace.getOrDefault(context.space(), staticIssuers);
  }

  private @Nullable CompletionStage<AuthOutcome> fromCache(
      TokenCache.TokenHash hash, AuthContext context, Issuers issuers) {
    TokenCache.Entry entry = cache.get(hash);
    if (entry == null) {
      return null;
    }
    JwksSource source = entry.source();
    if (!entry.space().equals(context.space())
        || !entry.issuer().equals(issuers.get(entry.issuer().issuer()))
        || (source != null && !source.isUsable())) {
      // Another space, a changed issuer or an unusable key source: verify from scratch.
      return null;
    }
    try {
      ClaimsChecker.checkTimes(entry.exp(), entry.nbf(), entry.issuer().clockSkew(), context.now());
    } catch (Refusal refusal) {
      cache.invalidate(hash);
      return refuse(refusal);
    }
    if (listener != AuthListener.NONE) {
      emit("jwt.cache_hit", context.space(), "verified token served from cache", Map.of());
    }
    return entry.outcome();
  }

  private CompletionStage<AuthOutcome> verify(
      String header,
      int from,
      int to,
      TokenCache.TokenHash hash,
      AuthContext context,
      Issuers issuers)
      throws Refusal {
    ParsedJws jws = JwsParser.parse(header, from, to, maxTokenLength, reference);
    Claims claims =
        reference ? Jose4jReference.claims(jws.payload()) : ClaimsChecker.parse(jws.payload());
    String iss = ClaimsChecker.issuer(claims);
    IssuerConfig issuer = issuers.get(iss);
    if (issuer == null) {
      String refused = issuers.refusal(iss);
      throw new Refusal(
          Reason.BAD_CLAIMS,
          "issuer '"
              + Redact.safe(iss)
              + (refused == null
                  ? "' is not trusted in this space"
                  : "' is configured but refused: " + refused));
    }
    requireAllowedAlgorithm(issuer, jws.alg());
    if (issuer.usesSecret()) {
      return finish(jws, claims, issuer, null, secretKeyFor(issuer), context, hash);
    }
    JwksSource source = sourceFor(issuer);
    CompletableFuture<JwksSource.Lookup> lookup = source.lookup(jws.kid(), jws.alg());
    if (lookup.isDone()) {
      return resolve(lookup.join(), jws, claims, issuer, source, context, hash);
    }
    JwksSource.Lookup timedOut =
        JwksSource.Lookup.refused(
            new Refusal(Reason.UNAVAILABLE, "timed out waiting for the issuer's keys"),
            options.failureBackoff());
    return lookup
        .completeOnTimeout(timedOut, options.waitBudget().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(found -> resolve(found, jws, claims, issuer, source, context, hash));
  }

  /**
   * Refuses, before any key lookup, an algorithm the issuer never accepts: one outside its list, or
   * for an issuer that takes each key's declared {@code alg}, an HS algorithm (keys from a JWKS are
   * never secrets). The detail names what is allowed and how to change it.
   */
  private static void requireAllowedAlgorithm(IssuerConfig issuer, String alg) throws Refusal {
    boolean allowed =
        issuer.algorithmsFromKeys() ? !Algorithms.isHmac(alg) : issuer.algorithms().contains(alg);
    if (!allowed) {
      throw new Refusal(
          Reason.BAD_SIGNATURE,
          "algorithm "
              + alg
              + " is not allowed for issuer '"
              + Redact.safe(issuer.issuer())
              + "' (allowed: "
              + issuer.describeAlgorithms()
              + "; change with IssuerConfig.algorithms(...), or gatehouse "
              + (issuer.usesSecret() ? "jwt-secret" : "jwks")
              + " --alg)");
    }
  }

  /**
   * For an issuer that takes each key's declared {@code alg}: a key without one verifies RS256
   * only, so every key still serves exactly one algorithm.
   */
  private static void requireKeyAlgorithm(IssuerConfig issuer, JsonWebKey key, String alg)
      throws Refusal {
    if (issuer.algorithmsFromKeys() && key.getAlgorithm() == null && !alg.equals("RS256")) {
      throw new Refusal(
          Reason.BAD_SIGNATURE,
          "key "
              + JwsVerifier.describe(key)
              + " declares no alg, so it verifies RS256 only; token uses "
              + alg
              + " (publish alg on the key, or list algorithms with --alg)");
    }
  }

  private CompletionStage<AuthOutcome> resolve(
      JwksSource.Lookup lookup,
      ParsedJws jws,
      Claims claims,
      IssuerConfig issuer,
      JwksSource source,
      AuthContext context,
      TokenCache.TokenHash hash) {
    Refusal refusal = lookup.refusal();
    if (refusal != null) {
      return refusal.reason() == Reason.UNAVAILABLE
          ? AuthOutcome.unavailable(refusal.detail(), lookup.retryAfter(), null).completed()
          : refuse(refusal);
    }
    try {
      return finish(jws, claims, issuer, source, lookup.keys(), context, hash);
    } catch (Refusal failed) {
      return refuse(failed);
    }
  }

  /** Verifies with the first candidate key that may verify this algorithm, then the claims. */
  private CompletionStage<AuthOutcome> finish(
      ParsedJws jws,
      Claims claims,
      IssuerConfig issuer,
      @Nullable JwksSource source,
      List<JsonWebKey> candidates,
      AuthContext context,
      TokenCache.TokenHash hash)
      throws Refusal {
    Refusal firstProblem = null;
    JsonWebKey used = null;
    for (int i = 0; i < candidates.size(); i++) {
      JsonWebKey key = candidates.get(i);
      try {
        requireKeyAlgorithm(issuer, key, jws.alg());
        JwsVerifier.verify(jws, key, reference);
        used = key;
        break;
      } catch (Refusal refusal) {
        if (firstProblem == null) {
          firstProblem = refusal;
        }
      }
    }
    if (used == null) {
      if (firstProblem != null && issuer.usesSecret()) {
        throw withSecretFingerprint(firstProblem, issuer);
      }
      throw firstProblem != null
          ? firstProblem
          : new Refusal(Reason.UNKNOWN_CREDENTIAL, "no key can verify this token");
    }
    Instant now = context.now();
    long exp = ClaimsChecker.check(claims, issuer, now);
    Identity identity = ClaimsChecker.identity(claims, issuer, context.space(), exp);
    CompletableFuture<AuthOutcome> outcome =
        CompletableFuture.completedFuture(AuthOutcome.success(identity));
    if (cache.enabled()) {
      String kid = used.getKeyId() == null ? KeySet.NO_KID : used.getKeyId();
      cache.put(
          hash,
          new TokenCache.Entry(
              context.space(), issuer, source, kid, exp, ClaimsChecker.notBefore(claims), outcome));
    }
    return outcome;
  }

  /**
   * A failed HS signature names the issuer and the secret's size and fingerprint (never the
   * secret): the usual cause is a secret configured in another form than the IdP uses (its text
   * versus its base64 decoding), which the operator can see by comparing fingerprints.
   */
  private static Refusal withSecretFingerprint(Refusal refusal, IssuerConfig issuer) {
    javax.crypto.SecretKey secret = java.util.Objects.requireNonNull(issuer.hmacSecret());
    return new Refusal(
        refusal.reason(),
        refusal.detail()
            + " with the secret of issuer '"
            + Redact.safe(issuer.issuer())
            + "' ("
            + secret.getEncoded().length * 8
            + " bits, fingerprint "
            + issuer.hmacSecretFingerprint()
            + "; compare with the IdP's)");
  }

  private CompletionStage<AuthOutcome> refuse(Refusal refusal) {
    if (refusal.reason() == Reason.UNAVAILABLE) {
      return AuthOutcome.unavailable(refusal.detail(), options.failureBackoff(), null).completed();
    }
    return AuthOutcome.failure(refusal.reason(), refusal.detail(), challenge).completed();
  }

  private JwksSource sourceFor(IssuerConfig issuer) {
    URI url = java.util.Objects.requireNonNull(issuer.jwksUrl(), "jwksUrl");
    return sources.computeIfAbsent(url, this::newSource);
  }

  private JwksSource newSource(URI url) {
    JwksSource source = new JwksSource(url, options, http, clock, listener, cache::keysRemoved);
    sourceNumbers.put(source, sourceCount.incrementAndGet());
    return source;
  }

  /**
   * The issuer's secret as a JWK, decoded once per configuration. The last one is kept aside and
   * matched by identity, so a repeated issuer costs no hash of its whole configuration (a record's
   * hash covers every set it holds).
   */
  @SuppressWarnings("ReferenceEquality") // identity on purpose: equal configs share one key anyway
  private List<JsonWebKey> secretKeyFor(IssuerConfig issuer) {
    SecretKeyEntry last = lastSecretKey;
    if (last != null && last.issuer() == issuer) {
      return last.keys();
    }
    List<JsonWebKey> keys = secretKeys.computeIfAbsent(issuer, DefaultJwtAuthenticator::secretKey);
    lastSecretKey = new SecretKeyEntry(issuer, keys);
    return keys;
  }

  private static List<JsonWebKey> secretKey(IssuerConfig issuer) {
    return List.of(
        new OctetSequenceJsonWebKey(
            java.util.Objects.requireNonNull(issuer.hmacSecret(), "hmacSecret")));
  }

  @Override
  public Map<URI, SourceHealth> health() {
    Map<URI, SourceHealth> out = new LinkedHashMap<>();
    sources.forEach((url, source) -> out.put(url, source.health()));
    return out;
  }

  @Override
  public HealthCheck healthCheck() {
    return () -> {
      Map<Integer, JwksSource> byNumber = new TreeMap<>();
      sourceNumbers.forEach((source, number) -> byNumber.put(number, source));
      List<Health.Component> out = new ArrayList<>(byNumber.size());
      byNumber.forEach((number, source) -> out.add(source.healthComponent("jwks-" + number)));
      return out;
    };
  }

  @Override
  public CompletableFuture<Void> prefetch(Issuers issuers) {
    List<CompletableFuture<?>> fetches = new ArrayList<>();
    for (IssuerConfig issuer : issuers.all()) {
      if (!issuer.usesSecret()) {
        fetches.add(sourceFor(issuer).fetch("prefetch").handle((keys, error) -> null));
      }
    }
    return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new));
  }

  /** The number of fetches a source has started; for tests. */
  long fetchCount(URI url) {
    JwksSource source = sources.get(url);
    return source == null ? 0 : source.fetchCount();
  }

  long cachedTokens() {
    return cache.size();
  }

  private void emit(String type, String space, String message, Map<String, String> attributes) {
    listener.onEvent(new AuthEvent(type, space, message, attributes, clock.instant()));
  }
}
