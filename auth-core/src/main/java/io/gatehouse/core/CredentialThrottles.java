package io.gatehouse.core;

/**
 * The built-in {@link CredentialThrottle}: a failure budget per client address and space.
 *
 * <pre>{@code
 * Gatehouse gatehouse = Gatehouse.builder()
 *     .credentialThrottle(CredentialThrottles.perAddress().build())
 *     ...
 * }</pre>
 *
 * <p>Each (space, address) pair has a token bucket of failures ({@link ThrottlePolicy}, per space
 * through the setting {@link #POLICY}; default 20 refused credentials, then one more every 3 s).
 * Every credential an authenticator refuses (malformed, unknown, revoked, expired, bad signature,
 * bad claims) takes one from the address's bucket; an address whose bucket is empty is refused with
 * {@link Reason#THROTTLED} (429, {@code Retry-After} until the next failure is regained) before any
 * authenticator runs, so before any store read or signature check. Other addresses are unaffected.
 *
 * <p><b>Addresses.</b> The address is the resolved client address (after the space's trusted
 * proxies). IPv4 clients are counted per address; IPv6 clients per /64 (by default), since one host
 * usually holds a whole /64 and could otherwise rotate through it.
 *
 * <p><b>Memory.</b> State lives in a fixed table ({@link Builder#slots}, default 65,536 entries of
 * about 40 bytes each, allocated once), whatever the number of addresses seen. An address whose
 * bucket is full again needs no entry; when a table set is full, the entry closest to full is
 * evicted, which only ever forgets failures (an evicted address starts over with a full budget):
 * eviction can never refuse an innocent address.
 *
 * <p><b>What an attacker with many addresses can and cannot do.</b> With N addresses (N distinct
 * IPv4 addresses or IPv6 /64s) an attacker gets N times the budget: N×20 guesses at once, then N
 * every 3 s. With more addresses than the table holds, it can push other entries out and so reset
 * their budgets (its own included): throttling then degrades towards no throttling for those
 * addresses, never towards refusing others. It cannot make any other address be refused, and it
 * cannot grow this instance's memory. Against wide guessing, the token space (128 random bits) is
 * the defence; the throttle bounds the cost each address can impose (store reads, signature checks)
 * and stops a leaked-but-revoked token script from hammering on.
 */
public final class CredentialThrottles {
  /** The throttle's policy in a space: {@link ThrottlePolicy#DEFAULT} unless set. */
  public static final SettingKey<ThrottlePolicy> POLICY =
      SettingKey.of("core.credential_throttle", ThrottlePolicy.DEFAULT);

  private CredentialThrottles() {}

  /** A builder of the per-address throttle. */
  public static Builder perAddress() {
    return new Builder();
  }

  /** Configures the per-address throttle; every setter validates at once. */
  public static final class Builder {
    int slots = 65_536;
    AddressKeys keys = AddressKeys.standard();

    private Builder() {}

    /**
     * How many (space, address) entries the table holds; rounded up to a power of two; default
     * 65,536, at least 64, at most 16,777,216.
     */
    public Builder slots(int slots) {
      if (slots < 64 || slots > (1 << 24)) {
        throw new IllegalArgumentException("slots must be in [64, 16777216], was " + slots);
      }
      this.slots = Integer.highestOneBit(slots - 1) << 1;
      return this;
    }

    /**
     * The IPv6 prefix that counts as one client: {@value AddressKeys#DEFAULT_IPV6_PREFIX_BITS} by
     * default (one host's usual allocation), 32 to 128.
     */
    public Builder ipv6PrefixBits(int bits) {
      this.keys = AddressKeys.ipv6Prefix(bits);
      return this;
    }

    public CredentialThrottle build() {
      return new AddressThrottle(slots, keys);
    }
  }
}
