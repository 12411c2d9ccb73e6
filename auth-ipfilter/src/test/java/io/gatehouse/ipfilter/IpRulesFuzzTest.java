package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.core.AddressVerdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target of the compiled rule table. The input is UTF-8 lines: {@code +cidr} allows, {@code
 * -cidr} denies (host bits cleared, so any address/prefix text makes a block), {@code ?address}
 * probes; other lines are ignored. Besides the probes given, every rule's first and last address
 * and their outside neighbours are probed.
 *
 * <p>Oracle: a linear longest-prefix scan over the rules decides the same rule for every probe, and
 * {@link IpRules#check} allows exactly when that rule allows (or, with no rule matching, when there
 * is no allow rule at all).
 */
class IpRulesFuzzTest {
  private static final int MAX_RULES = 300;

  @FuzzTest(maxDuration = "90s")
  void lookupEqualsLinearScan(byte[] input) {
    List<IpRule> linear = new ArrayList<>();
    List<IpAddress> probes = new ArrayList<>();
    IpRules.Builder builder = IpRules.builder();
    for (String line : new String(input, StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      char kind = line.charAt(0);
      String rest = line.substring(1).strip();
      if (kind == '?') {
        if (IpParser.parseAddress(rest) instanceof ParseResult.Ok<IpAddress> ok) {
          probes.add(ok.value());
        }
      } else if ((kind == '+' || kind == '-') && linear.size() < MAX_RULES) {
        if (IpParser.parseCidr(rest, HostBits.CLEAR) instanceof ParseResult.Ok<Cidr> ok) {
          IpRule rule =
              new IpRule(kind == '+' ? IpRule.Action.ALLOW : IpRule.Action.DENY, ok.value());
          if (linear.stream().noneMatch(r -> r.cidr().equals(rule.cidr()))) {
            builder.add(rule);
            linear.add(rule);
          }
        }
      }
    }
    IpRules rules = builder.build();
    assertThat(rules.size()).isEqualTo(linear.size());
    for (IpRule rule : linear) {
      Cidr cidr = rule.cidr();
      IpAddress last = IpRulesProperties.address(cidr.family(), cidr.lastHi(), cidr.lastLo());
      probes.add(cidr.network());
      probes.add(last);
      probes.add(IpRulesProperties.step(last, 1));
      probes.add(IpRulesProperties.step(cidr.network(), -1));
    }
    probes.add(IpAddress.ipv4(0));
    probes.add(IpAddress.ipv4(-1));
    probes.add(IpAddress.ipv6(0, 1));
    probes.add(IpAddress.ipv6(-1, -1));
    boolean allowlist = linear.stream().anyMatch(IpRule::allows);
    for (IpAddress probe : probes) {
      IpRule expected = IpRulesProperties.scan(linear, probe);
      assertThat(rules.lookup(probe)).as("lookup of %s in %s", probe, linear).isEqualTo(expected);
      AddressVerdict verdict = rules.check(probe);
      boolean allowed = expected != null ? expected.allows() : !allowlist;
      assertThat(verdict.allowed()).as("check of %s: %s", probe, verdict).isEqualTo(allowed);
    }
  }
}
