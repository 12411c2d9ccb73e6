package io.gatehouse.apikey;

import io.gatehouse.core.AddressKeys;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Caps the store reads each client address may have in flight, so that a flood of well-formed
 * random tokens from one address (each a cache miss) cannot fill the store's small I/O pool and its
 * queue for everyone: beyond the cap, the request is refused with {@code THROTTLED} (429) and reads
 * nothing. A client is what {@link AddressKeys#standard()} says (IPv6 by its /64), as for the
 * credential throttle.
 *
 * <p>Bounded memory: a fixed array of counters, indexed by a hash of the address with a
 * per-instance random seed. Two addresses that land on one counter share its cap (for one honest
 * address next to one flooding address, a chance of 1 in {@value #SLOTS}; nobody can aim at a
 * counter without knowing the seed). The counters count loads this instance started, so they are
 * exact per instance whatever the number of addresses.
 */
final class LookupsInFlight {
  static final int SLOTS = 16_384;

  private final AddressKeys keys = AddressKeys.standard();
  private final long seed = new SecureRandom().nextLong();
  private final AtomicIntegerArray inFlight = new AtomicIntegerArray(SLOTS);
  private final int cap;

  LookupsInFlight(int cap) {
    this.cap = cap;
  }

  /** The counter of {@code client}, or -1 when it already has {@code cap} reads in flight. */
  int tryAcquire(InetAddress client) {
    int slot = slotOf(client);
    while (true) {
      int current = inFlight.get(slot);
      if (current >= cap) {
        return -1;
      }
      if (inFlight.compareAndSet(slot, current, current + 1)) {
        return slot;
      }
    }
  }

  /** A read that {@link #tryAcquire} let start has ended. */
  void release(int slot) {
    inFlight.decrementAndGet(slot);
  }

  /** Reads now in flight for {@code client}'s counter (tests). */
  int inFlight(InetAddress client) {
    return inFlight.get(slotOf(client));
  }

  private int slotOf(InetAddress client) {
    byte[] address = client.getAddress();
    long h = (keys.hi(address) * 0x9E3779B97F4A7C15L) ^ (keys.lo(address) + seed);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) (h & (SLOTS - 1));
  }
}
