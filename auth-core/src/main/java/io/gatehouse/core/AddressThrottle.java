package io.gatehouse.core;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * {@link CredentialThrottles#perAddress()}: a set-associative table of failure buckets.
 *
 * <p>Each bucket is one number, its "theoretical arrival time" (GCRA): the instant at which the
 * bucket would be full again. A refused credential pushes it {@link
 * ThrottlePolicy#millisPerFailure()} later (from now at the earliest); an address is turned away
 * while the bucket is more than {@code failures - 1} failures from full, i.e. while it has none to
 * spend. An entry whose time has passed is a full bucket and may be reused.
 *
 * <p>The table has {@code slots / WAYS} sets of {@link #WAYS} entries, each set guarded by one of
 * {@link #LOCKS} striped locks. A key hashes (with a per-instance random seed, so that nobody can
 * aim addresses at one set) to one set; a new key takes a free or reusable entry of its set, else
 * evicts the entry nearest to full.
 */
final class AddressThrottle implements CredentialThrottle {
  private static final int WAYS = 8;
  private static final int LOCKS = 256;

  /** The limit's name in the {@code RateLimit} header fields. */
  static final String POLICY_NAME = "failed-credentials";

  private final long seed = new SecureRandom().nextLong();
  private final AddressKeys keys;
  private final int setMask;
  private final long[] hi;
  private final long[] lo;
  private final @Nullable String[] spaces;
  private final long[] fullAt;
  private final Object[] locks = new Object[LOCKS];

  AddressThrottle(int slots, AddressKeys keys) {
    this.keys = keys;
    this.setMask = slots / WAYS - 1;
    this.hi = new long[slots];
    this.lo = new long[slots];
    this.spaces = new String[slots];
    this.fullAt = new long[slots];
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  @Override
  public AuthOutcome.@Nullable Failure admit(
      InetAddress client, String space, Settings settings, Instant now) {
    ThrottlePolicy policy = settings.get(space, CredentialThrottles.POLICY);
    if (!policy.enabled()) {
      return null;
    }
    long nowMillis = now.toEpochMilli();
    long full = fullAtOf(client, space, nowMillis);
    long per = policy.millisPerFailure();
    // Spendable failures left: failures - ceil((full - now) / per). Refused when none is left.
    long wait = full - nowMillis - (policy.failures() - 1) * per;
    if (wait <= 0) {
      return null;
    }
    Duration retry = Duration.ofMillis(wait);
    RateLimitState state =
        new RateLimitState(
            POLICY_NAME, policy.failures(), Duration.ofMillis(per * policy.failures()), 0, retry);
    return AuthOutcome.throttled(
        Reason.THROTTLED,
        "too many refused credentials from this address; retry in "
            + RateLimitState.ceilSeconds(retry)
            + " s",
        retry,
        state);
  }

  @Override
  public void refused(
      InetAddress client, String space, Reason reason, Settings settings, Instant now) {
    ThrottlePolicy policy = settings.get(space, CredentialThrottles.POLICY);
    if (!policy.enabled() || !reason.isCredentialFailure()) {
      return;
    }
    long nowMillis = now.toEpochMilli();
    long per = policy.millisPerFailure();
    byte[] address = client.getAddress();
    long keyHi = keys.hi(address);
    long keyLo = keys.lo(address);
    int set = set(keyHi, keyLo, space);
    synchronized (locks[set & (LOCKS - 1)]) {
      int slot = findOrClaim(set, keyHi, keyLo, space, nowMillis);
      long from = Math.max(fullAt[slot], nowMillis);
      // Capped at one whole bucket: requests admitted together may all fail, but an address is
      // never locked out for longer than an empty bucket takes to refill.
      fullAt[slot] = Math.min(from + per, nowMillis + per * policy.failures());
    }
  }

  /** When the bucket of (client, space) is full again; {@code nowMillis} or earlier if unknown. */
  private long fullAtOf(InetAddress client, String space, long nowMillis) {
    byte[] address = client.getAddress(); // a copy: taken once per call
    long keyHi = keys.hi(address);
    long keyLo = keys.lo(address);
    int set = set(keyHi, keyLo, space);
    int base = set * WAYS;
    synchronized (locks[set & (LOCKS - 1)]) {
      for (int i = base; i < base + WAYS; i++) {
        if (matches(i, keyHi, keyLo, space)) {
          return fullAt[i];
        }
      }
    }
    return nowMillis;
  }

  /** The entry of the key in {@code set}, claiming one when it has none. Under the set's lock. */
  private int findOrClaim(int set, long keyHi, long keyLo, String space, long nowMillis) {
    int base = set * WAYS;
    int victim = base;
    for (int i = base; i < base + WAYS; i++) {
      if (matches(i, keyHi, keyLo, space)) {
        return i;
      }
      if (fullAt[i] < fullAt[victim]) {
        victim = i; // a free entry (0), a full bucket (past), else the one nearest to full
      }
    }
    hi[victim] = keyHi;
    lo[victim] = keyLo;
    spaces[victim] = space;
    fullAt[victim] = nowMillis;
    return victim;
  }

  private boolean matches(int i, long keyHi, long keyLo, String space) {
    return hi[i] == keyHi && lo[i] == keyLo && space.equals(spaces[i]);
  }

  private int set(long keyHi, long keyLo, String space) {
    long h = (keyHi * 0x9E3779B97F4A7C15L) ^ (keyLo + seed) ^ ((long) space.hashCode() << 17);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & setMask;
  }
}
