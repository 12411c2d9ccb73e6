package io.gatehouse.ipfilter;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The longest-prefix-match table of one address family: the binary prefix trie of the rules,
 * compiled once into flat arrays. CIDRs either nest or are disjoint, so the trie's leaves cut the
 * address space into at most {@code 2n + 1} ranges, in each of which one rule (the most specific
 * covering it) or none applies. A lookup indexes a 65,536-entry first level by the address's top 16
 * bits (a stride-16 trie level) and binary-searches the few range starts inside that slot.
 *
 * <p>Why not a pointer trie: with 100,000 IPv6 rules a path-compressed trie walks ~20 scattered
 * nodes per lookup, a cache miss each. These arrays keep a lookup to a handful of cache lines, and
 * the property tests check it against a linear longest-prefix scan.
 */
final class PrefixTable {
  private static final int INDEX_BITS = 16;

  private final IpFamily family;
  private final int[] slotStart; // slot s holds range starts [slotStart[s], slotStart[s + 1])
  private final int[] starts4; // IPv4 range starts, sign bit flipped for signed comparison
  private final long[] starts6; // IPv6 range starts, high then low (one cache line), signs flipped
  private final @Nullable IpRule[] ruleOfRange;

  private PrefixTable(
      IpFamily family,
      int[] slotStart,
      int[] starts4,
      long[] starts6,
      @Nullable IpRule[] ruleOfRange) {
    this.family = family;
    this.slotStart = slotStart;
    this.starts4 = starts4;
    this.starts6 = starts6;
    this.ruleOfRange = ruleOfRange;
  }

  /** The most specific rule containing the address, or null. */
  @Nullable IpRule lookup(IpAddress address) {
    return family == IpFamily.IPV4
        ? lookup4((int) address.lo())
        : lookup6(address.hi(), address.lo());
  }

  private @Nullable IpRule lookup4(int address) {
    int slot = address >>> (32 - INDEX_BITS);
    int key = address ^ Integer.MIN_VALUE;
    int low = slotStart[slot];
    int high = slotStart[slot + 1];
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (starts4[mid] <= key) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return ruleOfRange[low - 1]; // range 0 starts at address 0, so low >= 1
  }

  private @Nullable IpRule lookup6(long hi, long lo) {
    int slot = (int) (hi >>> (64 - INDEX_BITS));
    long keyHi = hi ^ Long.MIN_VALUE;
    long keyLo = lo ^ Long.MIN_VALUE;
    int low = slotStart[slot];
    int high = slotStart[slot + 1];
    while (low < high) {
      int mid = (low + high) >>> 1;
      long startHi = starts6[2 * mid];
      if (startHi < keyHi || (startHi == keyHi && starts6[2 * mid + 1] <= keyLo)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return ruleOfRange[low - 1];
  }

  /** Number of ranges, for size estimates. */
  int ranges() {
    return ruleOfRange.length;
  }

  /**
   * Builds the table of {@code family} from {@code rules} (of that family, no two with one CIDR).
   * Rules sorted by start and then widest first are walked with a stack of enclosing blocks: a
   * block opens a range at its start and, when it ends, hands the rest back to its parent.
   */
  static PrefixTable build(IpFamily family, List<IpRule> rules) {
    IpRule[] sorted = rules.toArray(new IpRule[0]);
    Arrays.sort(
        sorted,
        Comparator.comparing((IpRule r) -> r.cidr().network())
            .thenComparingInt(r -> r.cidr().prefixLength()));
    Ranges ranges = new Ranges(2 * sorted.length + 1);
    ranges.add(0, 0, null);
    Deque<IpRule> open = new ArrayDeque<>();
    for (IpRule rule : sorted) {
      Cidr cidr = rule.cidr();
      while (!open.isEmpty() && endsBefore(open.peek().cidr(), cidr)) {
        close(open, ranges, family);
      }
      ranges.add(cidr.network().hi(), cidr.network().lo(), rule);
      open.push(rule);
    }
    while (!open.isEmpty()) {
      close(open, ranges, family);
    }
    return ranges.toTable(family);
  }

  private static boolean endsBefore(Cidr enclosing, Cidr next) {
    int byHi = Long.compareUnsigned(enclosing.lastHi(), next.network().hi());
    return byHi < 0
        || (byHi == 0 && Long.compareUnsigned(enclosing.lastLo(), next.network().lo()) < 0);
  }

  /** Ends the innermost open block: its parent (or no rule) applies after its last address. */
  private static void close(Deque<IpRule> open, Ranges ranges, IpFamily family) {
    Cidr ended = open.pop().cidr();
    long lastHi = ended.lastHi();
    long lastLo = ended.lastLo();
    boolean endOfSpace =
        family == IpFamily.IPV4 ? lastLo == 0xFFFF_FFFFL : lastHi == -1L && lastLo == -1L;
    if (endOfSpace) {
      return;
    }
    long nextLo = lastLo + 1;
    long nextHi = nextLo == 0 ? lastHi + 1 : lastHi;
    ranges.add(nextHi, nextLo, open.peek());
  }

  /** Growable parallel arrays of range starts and their rules, ascending. */
  private static final class Ranges {
    private long[] hi;
    private long[] lo;
    private @Nullable IpRule[] rule;
    private int size;

    Ranges(int capacity) {
      hi = new long[capacity];
      lo = new long[capacity];
      rule = new IpRule[capacity];
    }

    /** Starts a range; a range starting at the same address as the previous one replaces it. */
    void add(long startHi, long startLo, @Nullable IpRule applies) {
      if (size > 0 && hi[size - 1] == startHi && lo[size - 1] == startLo) {
        rule[size - 1] = applies;
        return;
      }
      if (size > 0 && Objects.equals(rule[size - 1], applies)) {
        return; // the previous range simply continues
      }
      if (size == hi.length) {
        hi = Arrays.copyOf(hi, size * 2);
        lo = Arrays.copyOf(lo, size * 2);
        rule = Arrays.copyOf(rule, size * 2);
      }
      hi[size] = startHi;
      lo[size] = startLo;
      rule[size] = applies;
      size++;
    }

    PrefixTable toTable(IpFamily family) {
      int slots = 1 << INDEX_BITS;
      int[] slotStart = new int[slots + 1];
      int position = 0;
      for (int slot = 0; slot < slots; slot++) {
        while (position < size && slotOf(family, position) < slot) {
          position++;
        }
        slotStart[slot] = position;
      }
      slotStart[slots] = size;
      int[] starts4 = new int[family == IpFamily.IPV4 ? size : 0];
      long[] starts6 = new long[family == IpFamily.IPV6 ? 2 * size : 0];
      for (int i = 0; i < size; i++) {
        if (family == IpFamily.IPV4) {
          starts4[i] = (int) lo[i] ^ Integer.MIN_VALUE;
        } else {
          starts6[2 * i] = hi[i] ^ Long.MIN_VALUE;
          starts6[2 * i + 1] = lo[i] ^ Long.MIN_VALUE;
        }
      }
      return new PrefixTable(family, slotStart, starts4, starts6, Arrays.copyOf(rule, size));
    }

    private int slotOf(IpFamily family, int position) {
      return family == IpFamily.IPV4
          ? (int) (lo[position] >>> (32 - INDEX_BITS))
          : (int) (hi[position] >>> (64 - INDEX_BITS));
    }
  }
}
