package io.gatehouse.ipfilter;

import io.gatehouse.core.AddressVerdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, dual-stack set of allow and deny rules with longest-prefix semantics: the most
 * specific rule containing an address decides, so a /32 deny inside a /8 allow wins. IPv4 rules
 * never match IPv6 addresses and the reverse. With no allow rule at all there is no allowlist
 * (addresses no rule matches are allowed); with at least one, only allowed addresses pass.
 *
 * <pre>{@code
 * IpRules rules = IpRules.builder().allow("10.0.0.0/8").deny("10.1.2.3").allow("2001:db8::/32").build();
 * settingsHolder.update(s -> s.with(space, IpFilter.RULES, rules));   // swapped atomically
 * }</pre>
 *
 * Build once, share freely: lookups take no lock and allocate nothing.
 */
public final class IpRules {
  /** No rules: every address is allowed. */
  public static final IpRules NONE = builder().build();

  private final List<IpRule> rules;
  private final PrefixTable ipv4;
  private final PrefixTable ipv6;
  private final int allowRules;

  private IpRules(List<IpRule> rules) {
    this.rules = List.copyOf(rules);
    List<IpRule> v4 = new ArrayList<>();
    List<IpRule> v6 = new ArrayList<>();
    int allows = 0;
    for (IpRule rule : rules) {
      (rule.cidr().family() == IpFamily.IPV4 ? v4 : v6).add(rule);
      allows += rule.allows() ? 1 : 0;
    }
    this.ipv4 = PrefixTable.build(IpFamily.IPV4, v4);
    this.ipv6 = PrefixTable.build(IpFamily.IPV6, v6);
    this.allowRules = allows;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these rules, to derive a changed set. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    for (IpRule rule : rules) {
      builder.add(rule);
    }
    return builder;
  }

  /** The most specific rule containing {@code address}, or null when none does. */
  public @Nullable IpRule lookup(IpAddress address) {
    return address.isIpv4() ? ipv4.lookup(address) : ipv6.lookup(address);
  }

  /** Whether {@code address} passes, naming the rule that decided, for the trace. */
  public AddressVerdict check(IpAddress address) {
    if (rules.isEmpty()) {
      return AddressVerdict.allow("no address rules");
    }
    IpRule rule = lookup(address);
    if (rule != null) {
      return rule.allows()
          ? AddressVerdict.allow(address + " allowed by " + rule)
          : AddressVerdict.deny(address + " denied by " + rule);
    }
    return allowRules > 0
        ? AddressVerdict.deny(address + " matches no allow rule (" + describe() + ")")
        : AddressVerdict.allow(address + " matches no deny rule");
  }

  /** {@link #check(IpAddress)} for an {@link InetAddress} (IPv4-mapped counts as IPv4). */
  public AddressVerdict check(InetAddress address) {
    return check(IpAddress.of(address));
  }

  /** Every rule, in the order added. */
  public List<IpRule> rules() {
    return rules;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  public int size() {
    return rules.size();
  }

  /** True when there is at least one allow rule, so unmatched addresses are denied. */
  public boolean isAllowlist() {
    return allowRules > 0;
  }

  /** Number of address ranges the compiled table holds (at most twice the rules, plus two). */
  int ranges() {
    return ipv4.ranges() + ipv6.ranges();
  }

  private String describe() {
    return allowRules + " allow, " + (rules.size() - allowRules) + " deny rules";
  }

  @Override
  public String toString() {
    return "IpRules[" + describe() + "]";
  }

  /**
   * Collects rules; {@link #build()} compiles them. Strings are parsed strictly ({@link
   * Cidr#parse(String)}: host bits refused); pass a {@link Cidr} parsed with {@link HostBits#CLEAR}
   * to accept {@code 10.1.2.3/8} as {@code 10.0.0.0/8}.
   */
  public static final class Builder {
    private final Map<Cidr, IpRule> rules = new LinkedHashMap<>();

    private Builder() {}

    /** Allows each CIDR (or bare address). */
    public Builder allow(String... cidrs) {
      for (String cidr : cidrs) {
        allow(Cidr.parse(cidr));
      }
      return this;
    }

    public Builder allow(Cidr cidr) {
      return add(new IpRule(IpRule.Action.ALLOW, cidr));
    }

    /** Denies each CIDR (or bare address). */
    public Builder deny(String... cidrs) {
      for (String cidr : cidrs) {
        deny(Cidr.parse(cidr));
      }
      return this;
    }

    public Builder deny(Cidr cidr) {
      return add(new IpRule(IpRule.Action.DENY, cidr));
    }

    /**
     * Adds {@code rule}; the same rule twice is kept once.
     *
     * @throws IllegalArgumentException when the same CIDR is already there with the other action
     */
    public Builder add(IpRule rule) {
      Objects.requireNonNull(rule, "rule");
      IpRule existing = rules.putIfAbsent(rule.cidr(), rule);
      if (existing != null && existing.action() != rule.action()) {
        throw new IllegalArgumentException(
            rule.cidr() + " is both allowed and denied; keep one of the two rules");
      }
      return this;
    }

    /** Removes whatever rule covers exactly {@code cidr}. */
    public Builder remove(Cidr cidr) {
      rules.remove(Objects.requireNonNull(cidr, "cidr"));
      return this;
    }

    public IpRules build() {
      return new IpRules(new ArrayList<>(rules.values()));
    }
  }
}
