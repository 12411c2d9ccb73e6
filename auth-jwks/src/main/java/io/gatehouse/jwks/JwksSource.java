package io.gatehouse.jwks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.AuthEvent;
import io.gatehouse.core.AuthListener;
import io.gatehouse.core.Health;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of one JWKS URL, shared by every issuer and space that names it.
 *
 * <ul>
 *   <li>Single flight: at most one fetch is in flight; every request that needs keys joins it.
 *   <li>Fresh for {@code Cache-Control: max-age} within bounds; refreshed in the background ahead
 *       of expiry; revalidated with {@code If-None-Match}.
 *   <li>A kid miss refetches at most once per cool-down; kids still absent are remembered briefly,
 *       so forged kids cost no fetch while a real rotation is seen on its first token.
 *   <li>Through an outage, keys keep verifying until {@code maxStale} past expiry; then lookups
 *       answer UNAVAILABLE, never a 401.
 * </ul>
 */
final class JwksSource {
  private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);
  private static final Pattern MAX_AGE =
      Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");

  /** What a lookup found: the keys to try, or why there are none. */
  record Lookup(List<JsonWebKey> keys, @Nullable Refusal refusal, @Nullable Duration retryAfter) {
    static Lookup found(List<JsonWebKey> keys) {
      return new Lookup(keys, null, null);
    }

    static Lookup refused(Refusal refusal, @Nullable Duration retryAfter) {
      return new Lookup(List.of(), refusal, retryAfter);
    }
  }

  /** A fetch that failed; its message is safe to show, its kind is a class-like name. */
  static final class FetchFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String kind;

    FetchFailure(String message, String kind) {
      super(message, null, false, false);
      this.kind = kind;
    }

    /** E.g. {@code ConnectException}, {@code HttpStatus503}, {@code InvalidJwks}. */
    String kind() {
      return kind;
    }
  }

  private final URI url;
  private final JwksOptions options;
  private final HttpClient http;
  private final Clock clock;
  private final AuthListener listener;
  private final BiConsumer<JwksSource, Set<String>> onKeysRemoved;
  private final Cache<String, Boolean> unknownKids;
  private final Object kidMissLock = new Object();
  private final AtomicReference<@Nullable CompletableFuture<KeySet>> inflight =
      new AtomicReference<>();
  private final AtomicLong lastKidRefetch = new AtomicLong(Long.MIN_VALUE / 2);
  private final AtomicLong fetches = new AtomicLong();
  private volatile @Nullable KeySet keys;
  private volatile @Nullable String lastError;
  private volatile @Nullable String lastErrorKind;
  private volatile long lastFailureAt = Long.MIN_VALUE / 2;

  JwksSource(
      URI url,
      JwksOptions options,
      HttpClient http,
      Clock clock,
      AuthListener listener,
      BiConsumer<JwksSource, Set<String>> onKeysRemoved) {
    this.url = url;
    this.options = options;
    this.http = http;
    this.clock = clock;
    this.listener = listener;
    this.onKeysRemoved = onKeysRemoved;
    this.unknownKids =
        Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(options.unknownKidTtl())
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .executor(Runnable::run)
            .build();
    this.keys = loadSnapshot();
  }

  URI url() {
    return url;
  }

  long fetchCount() {
    return fetches.get();
  }

  /** True when keys are present and within the outage limit (a cached token may still be used). */
  boolean isUsable() {
    KeySet current = keys;
    return current != null && clock.millis() < usableUntil(current);
  }

  /** The keys that may verify a token with {@code kid} and {@code alg}; completed when cached. */
  CompletableFuture<Lookup> lookup(@Nullable String kid, String alg) {
    long now = clock.millis();
    KeySet current = keys;
    if (current != null && now < usableUntil(current)) {
      refreshIfDue(current, now);
      List<JsonWebKey> found = select(current, kid, alg);
      if (!found.isEmpty()) {
        return CompletableFuture.completedFuture(Lookup.found(found));
      }
      return onKidMiss(current, kid, alg, now);
    }
    if (lastError != null && now - lastFailureAt < options.failureBackoff().toMillis()) {
      return CompletableFuture.completedFuture(unavailable());
    }
    return fetch(current == null ? "initial" : "expired")
        .handle(
            (fresh, error) -> {
              if (error != null) {
                return unavailable();
              }
              List<JsonWebKey> found = select(fresh, kid, alg);
              return found.isEmpty() ? unknown(kid) : Lookup.found(found);
            });
  }

  private CompletableFuture<Lookup> onKidMiss(
      KeySet current, @Nullable String kid, String alg, long now) {
    String missKey = kid == null ? KeySet.NO_KID : kid;
    if (unknownKids.getIfPresent(missKey) != null) {
      return CompletableFuture.completedFuture(unknown(kid));
    }
    CompletableFuture<KeySet> pending;
    // Deciding "refetch or cool-down" and publishing the fetch must be one step: otherwise a
    // request arriving between the two sees the cool-down but no fetch to join, and is refused
    // for a kid that the fetch in progress is about to bring. Kid misses are rare; a lock is fine.
    synchronized (kidMissLock) {
      pending = inflight.get();
      if (pending == null && now - lastKidRefetch.get() >= options.kidMissCooldown().toMillis()) {
        lastKidRefetch.set(now);
        emit("jwks.kid_miss", "unknown kid, refetching", Map.of("kid", Redact.safe(missKey)));
        pending = fetch("kid_miss");
      }
    }
    if (pending == null) {
      // In the cool-down: a fetch may just have finished, so look at the newest set once.
      KeySet latest = keys;
      List<JsonWebKey> found = latest == current ? List.of() : select(latest, kid, alg);
      return CompletableFuture.completedFuture(
          found.isEmpty() ? unknown(kid) : Lookup.found(found));
    }
    return pending.handle(
        (fresh, error) -> {
          if (error != null) {
            // The key may exist: we cannot tell while the source fails.
            return unavailable();
          }
          List<JsonWebKey> found = select(fresh, kid, alg);
          if (found.isEmpty()) {
            unknownKids.put(missKey, Boolean.TRUE);
            return unknown(kid);
          }
          return Lookup.found(found);
        });
  }

  /**
   * Keys of {@code set} that {@code kid} names (or, without a kid, that can verify {@code alg}).
   */
  private static List<JsonWebKey> select(@Nullable KeySet set, @Nullable String kid, String alg) {
    if (set == null) {
      return List.of();
    }
    if (kid != null) {
      return set.byKid.getOrDefault(kid, List.of());
    }
    List<JsonWebKey> candidates = new ArrayList<>(2);
    for (JsonWebKey key : set.all) {
      if (JwsVerifier.bindingProblem(key, alg) == null) {
        candidates.add(key);
      }
    }
    return candidates;
  }

  private Lookup unknown(@Nullable String kid) {
    String name = kid == null ? "no key without kid" : "no key '" + Redact.safe(kid) + "'";
    return Lookup.refused(
        new Refusal(Reason.UNKNOWN_CREDENTIAL, name + " in the issuer's JWKS"), null);
  }

  private Lookup unavailable() {
    String error = lastError;
    return Lookup.refused(
        new Refusal(
            Reason.UNAVAILABLE,
            "the issuer's keys are unavailable" + (error == null ? "" : ": " + error)),
        options.failureBackoff());
  }

  private long usableUntil(KeySet set) {
    return set.freshUntil + options.maxStale().toMillis();
  }

  private void refreshIfDue(KeySet current, long now) {
    if (now >= current.freshUntil - options.refreshAhead().toMillis()
        && inflight.get() == null
        && now - lastFailureAt >= options.failureBackoff().toMillis()) {
      var unused = fetch("refresh");
    }
  }

  /** Starts a fetch, or returns the one in flight. Never throws; failures complete the future. */
  CompletableFuture<KeySet> fetch(String cause) {
    CompletableFuture<KeySet> mine = new CompletableFuture<>();
    CompletableFuture<KeySet> existing = inflight.compareAndExchange(null, mine);
    if (existing != null) {
      return existing;
    }
    fetches.incrementAndGet();
    KeySet previous = keys;
    long started = clock.millis();
    CompletableFuture<HttpResponse<byte[]>> response;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(url)
              .timeout(options.fetchTimeout())
              .header("Accept", "application/jwk-set+json, application/json")
              .GET();
      if (previous != null && previous.etag != null) {
        request.header("If-None-Match", previous.etag);
      }
      response =
          http.sendAsync(request.build(), new LimitedBodyHandler(options.maxJwksBytes()))
              .orTimeout(options.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    var unused =
        response.whenComplete((r, error) -> complete(mine, previous, started, cause, r, error));
    return mine;
  }

  private void complete(
      CompletableFuture<KeySet> mine,
      @Nullable KeySet previous,
      long started,
      String cause,
      @Nullable HttpResponse<byte[]> response,
      @Nullable Throwable error) {
    long now = clock.millis();
    try {
      KeySet next = accept(previous, now, response, error);
      boolean revalidated = response != null && response.statusCode() == 304;
      keys = next;
      lastError = null;
      lastErrorKind = null;
      inflight.set(null);
      emit(
          "jwks.fetch",
          revalidated ? "JWKS revalidated" : "JWKS fetched",
          Map.of(
              "cause",
              cause,
              "status",
              response == null ? "" : Integer.toString(response.statusCode()),
              "keys",
              Integer.toString(next.size()),
              "millis",
              Long.toString(now - started)));
      if (!revalidated) {
        Set<String> removed = previous == null ? Set.of() : previous.removedIn(next);
        if (!removed.isEmpty()) {
          onKeysRemoved.accept(this, removed);
        }
        writeSnapshot(next);
      }
      mine.complete(next);
    } catch (FetchFailure | RuntimeException failure) {
      String message =
          failure instanceof FetchFailure ? failure.getMessage() : "unexpected " + failure;
      lastError = message;
      lastErrorKind =
          failure instanceof FetchFailure fetchFailure
              ? fetchFailure.kind()
              : failure.getClass().getSimpleName();
      lastFailureAt = now;
      inflight.set(null);
      LOG.warn(
          "JWKS fetch from {} failed ({}); keeping {} cached keys",
          url,
          message,
          previous == null ? 0 : previous.size());
      emit(
          "jwks.fetch_failed",
          "JWKS fetch failed; old keys kept",
          Map.of(
              "cause", cause,
              "error", String.valueOf(message),
              "cachedKeys", Integer.toString(previous == null ? 0 : previous.size()),
              "millis", Long.toString(now - started)));
      mine.completeExceptionally(failure);
    }
  }

  /** The key set a response yields, or why it yields none. */
  private KeySet accept(
      @Nullable KeySet previous,
      long now,
      @Nullable HttpResponse<byte[]> response,
      @Nullable Throwable error)
      throws FetchFailure {
    if (error != null || response == null) {
      throw new FetchFailure(describe(error), kind(error));
    }
    long ttl = ttlMillis(response);
    int status = response.statusCode();
    if (status == 304 && previous != null) {
      return previous.revalidated(now, ttl);
    }
    if (status != 200) {
      throw new FetchFailure("HTTP " + status, "HttpStatus" + status);
    }
    String json = new String(response.body(), StandardCharsets.UTF_8);
    List<JsonWebKey> parsed = parseKeys(json);
    String etag = response.headers().firstValue("etag").orElse(null);
    return new KeySet(parsed, now, now + ttl, etag, json);
  }

  private List<JsonWebKey> parseKeys(String json) throws FetchFailure {
    List<JsonWebKey> parsed;
    try {
      parsed = new JsonWebKeySet(json).getJsonWebKeys();
    } catch (JoseException | RuntimeException e) {
      throw new FetchFailure("response is not a JWKS", "InvalidJwks");
    }
    if (parsed.size() > options.maxKeys()) {
      throw new FetchFailure(
          "JWKS has " + parsed.size() + " keys, limit " + options.maxKeys(), "TooManyKeys");
    }
    return parsed;
  }

  /**
   * {@code Cache-Control: max-age} within bounds; {@code no-cache}/{@code no-store}: the minimum.
   */
  private long ttlMillis(HttpResponse<?> response) {
    String cacheControl =
        response.headers().firstValue("cache-control").orElse("").toLowerCase(Locale.ROOT);
    Duration ttl = options.defaultTtl();
    Matcher maxAge = MAX_AGE.matcher(cacheControl);
    if (cacheControl.contains("no-cache") || cacheControl.contains("no-store")) {
      ttl = options.minTtl();
    } else if (maxAge.find()) {
      ttl = Duration.ofSeconds(Long.parseLong(maxAge.group(1)));
    }
    if (ttl.compareTo(options.minTtl()) < 0) {
      ttl = options.minTtl();
    }
    if (ttl.compareTo(options.maxTtl()) > 0) {
      ttl = options.maxTtl();
    }
    return ttl.toMillis();
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The failure's class, for health: never its message, which may name the host. */
  private static String kind(@Nullable Throwable error) {
    Throwable cause = unwrap(error);
    return cause == null ? "NoResponse" : cause.getClass().getSimpleName();
  }

  private static String describe(@Nullable Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof LimitedBodyHandler.TooLargeException) {
      return String.valueOf(cause.getMessage());
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return "timed out";
    }
    if (cause instanceof IOException) {
      return "I/O error: " + cause.getClass().getSimpleName();
    }
    return "failed: " + (cause == null ? "no response" : cause.getClass().getSimpleName());
  }

  SourceHealth health() {
    KeySet current = keys;
    long now = clock.millis();
    String error = lastError;
    SourceHealth.Status status;
    if (current == null || now >= usableUntil(current)) {
      status = SourceHealth.Status.DOWN;
    } else if (now >= current.freshUntil || error != null) {
      status = SourceHealth.Status.DEGRADED;
    } else {
      status = SourceHealth.Status.UP;
    }
    return new SourceHealth(
        url,
        status,
        current == null ? 0 : current.size(),
        current == null ? null : Instant.ofEpochMilli(current.fetchedAt),
        error,
        fetches.get());
  }

  /**
   * This source as a health component named {@code name}: its status as {@link #health()}, the
   * number of keys, when they were last fetched and how old they are, and the class of the last
   * fetch error. Never the URL or host. Not required: an identity provider's outage is every
   * instance's at once, so taking this one out of rotation would help no request; API tokens and
   * other issuers keep working.
   */
  Health.Component healthComponent(String name) {
    SourceHealth health = health();
    Map<String, String> details = new LinkedHashMap<>();
    details.put("keys", Integer.toString(health.keyCount()));
    Instant lastSuccess = health.lastSuccess();
    if (lastSuccess != null) {
      details.put("lastSuccess", lastSuccess.toString());
      long ageSeconds = Math.max(0, (clock.millis() - lastSuccess.toEpochMilli()) / 1000);
      details.put("keysAgeSeconds", Long.toString(ageSeconds));
    }
    String errorKind = lastErrorKind;
    if (errorKind != null) {
      details.put("lastError", errorKind);
    }
    return new Health.Component(
        name, Health.Status.valueOf(health.status().name()), false, details);
  }

  private void emit(String type, String message, Map<String, String> attributes) {
    if (listener == AuthListener.NONE) {
      return;
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("url", url.toString());
    attrs.putAll(attributes);
    listener.onEvent(new AuthEvent(type, "", message, attrs, clock.instant()));
  }

  // ---- last-known-good snapshot file ----

  private @Nullable Path snapshotFile() {
    Path directory = options.snapshotDirectory();
    if (directory == null) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(url.toString().getBytes(StandardCharsets.UTF_8));
      return directory.resolve("jwks-" + HexFormat.of().formatHex(digest, 0, 16) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private void writeSnapshot(KeySet set) {
    Path file = snapshotFile();
    if (file == null) {
      return;
    }
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("url", url.toString());
    content.put("fetchedAt", set.fetchedAt);
    content.put("jwks", set.json);
    try {
      Path temp = Files.createTempFile(file.getParent(), "jwks", ".tmp");
      Files.writeString(temp, JsonUtil.toJson(content));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not write the JWKS snapshot {}: {}", file, e.toString());
    }
  }

  /**
   * The snapshot written by an earlier run, as if fetched when it was; null if none or unusable.
   */
  private @Nullable KeySet loadSnapshot() {
    Path file = snapshotFile();
    if (file == null || !Files.isRegularFile(file)) {
      return null;
    }
    try {
      Map<String, Object> content = JsonUtil.parseJson(Files.readString(file));
      if (!url.toString().equals(content.get("url"))
          || !(content.get("fetchedAt") instanceof Number fetchedAt)
          || !(content.get("jwks") instanceof String json)) {
        return null;
      }
      long at = fetchedAt.longValue();
      emit("jwks.snapshot_loaded", "last-known-good JWKS loaded", Map.of("file", file.toString()));
      return new KeySet(parseKeys(json), at, at + options.defaultTtl().toMillis(), null, json);
    } catch (IOException | JoseException | FetchFailure | RuntimeException e) {
      LOG.warn("ignoring unreadable JWKS snapshot {}: {}", file, e.toString());
      return null;
    }
  }
}
