package io.gatehouse.jwks;

import io.gatehouse.core.AuthListener;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Checks;
import io.gatehouse.core.HealthCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates {@code Authorization: Bearer <jwt>} against the issuers of the request's space.
 *
 * <pre>{@code
 * IssuerConfig idp = IssuerConfig.builder("https://idp.example")
 *     .jwksUrl("https://idp.example/.well-known/jwks.json")
 *     .algorithms("RS256", "ES256")
 *     .audience("orders-api")
 *     .build();
 * JwtAuthenticator jwt = JwtAuthenticator.builder().issuers(Issuers.of(idp)).build();
 * Gatehouse gatehouse = Gatehouse.builder().authenticator(jwt).build();
 * }</pre>
 *
 * <p>Issuers come from the decision's settings ({@link JwtSettings#ISSUERS}) and, for spaces that
 * set none, from {@link Builder#issuers}. Requests without a bearer token abstain, so other
 * authenticators can run. JWKS sources are shared per URL and created when first needed.
 */
public interface JwtAuthenticator extends Authenticator {

  static Builder builder() {
    return new Builder();
  }

  /** The health of every JWKS source created so far, by URL. */
  Map<URI, SourceHealth> health();

  /**
   * The same sources as health components, safe to show to anyone: {@code jwks-1}, {@code jwks-2},
   * ... numbered in the order the sources were created (first use or prefetch), each with its
   * status (UP; DEGRADED while serving stale keys or after a failed refresh; DOWN without usable
   * keys), its key count, last success, key age in seconds and the class of its last fetch error;
   * never a URL or host. The components are not required: an identity provider's outage is every
   * instance's, so it degrades readiness rather than failing it.
   */
  HealthCheck healthCheck();

  /**
   * Fetches the keys of every JWKS issuer in {@code issuers} now (e.g. at start), so the first
   * requests do not wait. The stage completes when every fetch has ended, successfully or not.
   */
  CompletableFuture<Void> prefetch(Issuers issuers);

  /** Configures a {@link JwtAuthenticator}; every setter validates at once. */
  final class Builder {
    String id = "jwt";
    String realm = "api";
    Clock clock = Clock.systemUTC();
    AuthListener listener = AuthListener.NONE;
    Issuers issuers = Issuers.NONE;
    final Map<String, Issuers> issuersBySpace = new HashMap<>();
    @Nullable HttpClient httpClient;
    boolean prefetch;
    int maxTokenLength = 8 * 1024;
    long tokenCacheSize = 10_000;
    Duration connectTimeout = Duration.ofSeconds(2);
    Duration fetchTimeout = Duration.ofSeconds(3);
    Duration waitBudget = Duration.ofSeconds(2);
    Duration defaultTtl = Duration.ofMinutes(5);
    Duration minTtl = Duration.ofSeconds(30);
    Duration maxTtl = Duration.ofHours(24);
    Duration refreshAhead = Duration.ofSeconds(30);
    Duration kidMissCooldown = Duration.ofSeconds(10);
    Duration unknownKidTtl = Duration.ofMinutes(1);
    Duration maxStale = Duration.ofHours(1);
    Duration failureBackoff = Duration.ofSeconds(5);
    int maxJwksBytes = 512 * 1024;
    int maxKeys = 100;
    @Nullable Path snapshotDirectory;
    boolean referencePath;

    Builder() {}

    /**
     * Verifies through jose4j alone (its JSON parser, {@code JwtClaims} and signature algorithms)
     * instead of the fast path; tests run every token through both and compare. Not public.
     */
    Builder referencePath() {
      this.referencePath = true;
      return this;
    }

    /** The authenticator id in traces and identities' method; default {@code jwt}. */
    public Builder id(String id) {
      this.id = requireText(id, "id");
      return this;
    }

    /** The realm of the {@code Bearer} challenge; default {@code api}. */
    public Builder realm(String realm) {
      this.realm = requireText(realm, "realm");
      return this;
    }

    /** Time for token checks, TTLs, cool-downs and outage limits; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Receives {@code jwks.*} and {@code jwt.*} events. */
    public Builder listener(AuthListener listener) {
      this.listener = AuthListener.safe(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Issuers for every space whose settings name none. */
    public Builder issuers(Issuers issuers) {
      this.issuers = Objects.requireNonNull(issuers, "issuers");
      return this;
    }

    /** Issuers for one space whose settings name none. */
    public Builder issuers(String space, Issuers issuers) {
      issuersBySpace.put(
          io.gatehouse.core.Settings.requireValidSpace(space),
          Objects.requireNonNull(issuers, "issuers"));
      return this;
    }

    /** The HTTP client for JWKS fetches; default: a JDK client that never follows redirects. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    /** Fetch the static issuers' keys when built (in the background); default false. */
    public Builder prefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** Longest token accepted, in characters; default 8192. */
    public Builder maxTokenLength(int chars) {
      this.maxTokenLength = requireRange(chars, 64, 1 << 20, "maxTokenLength");
      return this;
    }

    /** Verified tokens kept; 0 turns the cache off; default 10,000. */
    public Builder tokenCacheSize(long entries) {
      if (entries < 0) {
        throw new IllegalArgumentException("tokenCacheSize must be >= 0, was " + entries);
      }
      this.tokenCacheSize = entries;
      return this;
    }

    /** TCP/TLS connect timeout of JWKS fetches; default 2 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Checks.positive(timeout, "connectTimeout");
      return this;
    }

    /** Whole-fetch timeout (headers and body); default 3 s. */
    public Builder fetchTimeout(Duration timeout) {
      this.fetchTimeout = Checks.positive(timeout, "fetchTimeout");
      return this;
    }

    /** Longest a request waits for a fetch before UNAVAILABLE; default 2 s. */
    public Builder waitBudget(Duration budget) {
      this.waitBudget = Checks.positive(budget, "waitBudget");
      return this;
    }

    /**
     * Key freshness: {@code defaultTtl} without {@code Cache-Control: max-age}, which is honoured
     * within [{@code min}, {@code max}]; defaults 5 min, [30 s, 24 h].
     */
    public Builder cacheTtl(Duration defaultTtl, Duration min, Duration max) {
      Checks.positive(defaultTtl, "defaultTtl");
      Checks.positive(min, "minTtl");
      Checks.positive(max, "maxTtl");
      if (min.compareTo(max) > 0
          || defaultTtl.compareTo(min) < 0
          || defaultTtl.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "cache TTLs need min <= default <= max, were " + min + ", " + defaultTtl + ", " + max);
      }
      this.defaultTtl = defaultTtl;
      this.minTtl = min;
      this.maxTtl = max;
      return this;
    }

    /** How long before expiry keys are refreshed in the background; default 30 s. */
    public Builder refreshAhead(Duration ahead) {
      this.refreshAhead = requireNonNegative(ahead, "refreshAhead");
      return this;
    }

    /** Minimum time between refetches caused by unknown kids; default 10 s. */
    public Builder kidMissCooldown(Duration cooldown) {
      this.kidMissCooldown = requireNonNegative(cooldown, "kidMissCooldown");
      return this;
    }

    /** How long a kid still absent after a refetch is refused from memory; default 1 min. */
    public Builder unknownKidTtl(Duration ttl) {
      this.unknownKidTtl = Checks.positive(ttl, "unknownKidTtl");
      return this;
    }

    /** Outage limit: how long past expiry keys keep verifying while fetches fail; default 1 h. */
    public Builder maxStale(Duration maxStale) {
      this.maxStale = requireNonNegative(maxStale, "maxStale");
      return this;
    }

    /**
     * After a failed fetch, how long keyless requests fail fast without refetching; default 5 s.
     */
    public Builder failureBackoff(Duration backoff) {
      this.failureBackoff = requireNonNegative(backoff, "failureBackoff");
      return this;
    }

    /** Largest JWKS body read (default 512 KiB) and most keys accepted (default 100). */
    public Builder jwksLimits(int maxBytes, int maxKeyCount) {
      this.maxJwksBytes = requireRange(maxBytes, 256, 64 << 20, "maxJwksBytes");
      this.maxKeys = requireRange(maxKeyCount, 1, 10_000, "maxKeys");
      return this;
    }

    /** Keep last-known-good key sets in {@code directory}, read back when a source is created. */
    public Builder snapshotDirectory(Path directory) {
      if (!Files.isDirectory(directory)) {
        throw new IllegalArgumentException("snapshot directory does not exist: " + directory);
      }
      this.snapshotDirectory = directory;
      return this;
    }

    public JwtAuthenticator build() {
      JwksOptions options =
          new JwksOptions(
              connectTimeout,
              fetchTimeout,
              waitBudget,
              defaultTtl,
              minTtl,
              maxTtl,
              refreshAhead,
              kidMissCooldown,
              unknownKidTtl,
              maxStale,
              failureBackoff,
              maxJwksBytes,
              maxKeys,
              snapshotDirectory);
      DefaultJwtAuthenticator authenticator = new DefaultJwtAuthenticator(this, options);
      if (prefetch) {
        List<IssuerConfig> all = new ArrayList<>(issuers.all());
        issuersBySpace.values().forEach(perSpace -> all.addAll(perSpace.all()));
        var unused = authenticator.prefetch(Issuers.of(dedupe(all)));
      }
      return authenticator;
    }

    private static List<IssuerConfig> dedupe(List<IssuerConfig> all) {
      Map<String, IssuerConfig> byIssuer = new HashMap<>();
      all.forEach(issuer -> byIssuer.putIfAbsent(issuer.issuer(), issuer));
      return new ArrayList<>(byIssuer.values());
    }

    private static String requireText(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }

    private static int requireRange(int value, int min, int max, String name) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", was " + value);
      }
      return value;
    }

    private static Duration requireNonNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, was " + value);
      }
      return value;
    }
  }
}
