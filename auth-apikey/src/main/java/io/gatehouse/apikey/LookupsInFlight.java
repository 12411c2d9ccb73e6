package io.gatehouse.apikey;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Caps the store reads each client address may have in flight, so that a flood of well-formed
 * random tokens from one address (each a cache miss) cannot fill the store's small I/O pool and its
 * queue for everyone: beyond the cap, the request is refused with {@code THROTTLED} (429) and reads
 * nothing. IPv6 clients are counted per /64, like the credential throttle.
 *
 * <p>Bounded memory: a fixed array of counters, indexed by a hash of the address with a
 * per-instance random seed. Two addresses that land on one counter share its cap (for one honest
 * address next to one flooding address, a chance of 1 in {@value #SLOTS}; nobody can aim at a
 * counter without knowing the seed). The counters count loads this instance started, so they are
 * exact per instance whatever the number of addresses.
 */
final class LookupsInFlight {
  static final int SLOTS = 16_384;

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
    byte[] bytes = client.getAddress();
    long h = seed;
    int length = client instanceof Inet4Address ? 4 : 8; // IPv6: the /64
    for (int i = 0; i < length; i++) {
      h = (h ^ (bytes[i] & 0xFF)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) (h & (SLOTS - 1));
  }
}
