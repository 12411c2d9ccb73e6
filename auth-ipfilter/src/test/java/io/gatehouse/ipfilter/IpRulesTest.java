package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AddressVerdict;
import io.gatehouse.core.Settings;
import org.junit.jupiter.api.Test;

class IpRulesTest {

  private static AddressVerdict check(IpRules rules, String address) {
    return rules.check(IpAddress.parse(address));
  }

  @Test
  void theMostSpecificRuleWins() {
    IpRules rules =
        IpRules.builder()
            .allow("10.0.0.0/8")
            .deny("10.1.0.0/16")
            .allow("10.1.2.0/24")
            .deny("10.1.2.3")
            .build();
    assertThat(check(rules, "10.1.2.3"))
        .isEqualTo(AddressVerdict.deny("10.1.2.3 denied by deny 10.1.2.3/32"));
    assertThat(check(rules, "10.1.2.4"))
        .isEqualTo(AddressVerdict.allow("10.1.2.4 allowed by allow 10.1.2.0/24"));
    assertThat(check(rules, "10.1.3.1"))
        .isEqualTo(AddressVerdict.deny("10.1.3.1 denied by deny 10.1.0.0/16"));
    assertThat(check(rules, "10.200.0.1"))
        .isEqualTo(AddressVerdict.allow("10.200.0.1 allowed by allow 10.0.0.0/8"));
    assertThat(check(rules, "11.0.0.1"))
        .isEqualTo(AddressVerdict.deny("11.0.0.1 matches no allow rule (2 allow, 2 deny rules)"));
  }

  @Test
  void familiesNeverMix() {
    IpRules v4Only = IpRules.builder().allow("0.0.0.0/0").build();
    assertThat(check(v4Only, "1.2.3.4").allowed()).isTrue();
    assertThat(check(v4Only, "::1").allowed()).as("an IPv4 rule never matches IPv6").isFalse();
    assertThat(check(v4Only, "::a00:1").allowed()).isFalse();
    IpRules v6Deny = IpRules.builder().deny("::/0").build();
    assertThat(check(v6Deny, "10.0.0.1").detail()).isEqualTo("10.0.0.1 matches no deny rule");
    assertThat(check(v6Deny, "2001:db8::1").allowed()).isFalse();
  }

  @Test
  void mappedAddressesCannotBypassIpv4Rules() {
    IpRules rules = IpRules.builder().deny("127.0.0.1").build();
    assertThat(check(rules, "::ffff:127.0.0.1").allowed()).isFalse();
    assertThat(check(rules, "::ffff:7f00:1").allowed()).isFalse();
    assertThat(rules.check(IpAddress.parse("::ffff:7f00:1").toInetAddress()).allowed()).isFalse();
  }

  @Test
  void emptyMeansNoRestrictionAndDenyOnlyAllowsTheRest() {
    assertThat(check(IpRules.NONE, "203.0.113.7"))
        .isEqualTo(AddressVerdict.allow("no address rules"));
    assertThat(IpRules.NONE.isEmpty()).isTrue();
    IpRules denyOnly = IpRules.builder().deny("203.0.113.0/24").build();
    assertThat(denyOnly.isAllowlist()).isFalse();
    assertThat(check(denyOnly, "198.51.100.1").allowed()).isTrue();
    assertThat(check(denyOnly, "203.0.113.9").allowed()).isFalse();
  }

  @Test
  void edgesOfTheAddressSpace() {
    IpRules rules =
        IpRules.builder()
            .allow(
                "0.0.0.0/1", "255.255.255.255", "::/1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
            .deny("0.0.0.0", "::")
            .build();
    assertThat(check(rules, "0.0.0.0").allowed()).isFalse();
    assertThat(check(rules, "0.0.0.1").allowed()).isTrue();
    assertThat(check(rules, "127.255.255.255").allowed()).isTrue();
    assertThat(check(rules, "128.0.0.0").allowed()).isFalse();
    assertThat(check(rules, "255.255.255.254").allowed()).isFalse();
    assertThat(check(rules, "255.255.255.255").allowed()).isTrue();
    assertThat(check(rules, "::").allowed()).isFalse();
    assertThat(check(rules, "::2").allowed()).isTrue();
    assertThat(check(rules, "8000::").allowed()).isFalse();
    assertThat(check(rules, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").allowed()).isTrue();
    assertThat(check(rules, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").allowed()).isFalse();
    assertThat(rules.ranges()).isLessThanOrEqualTo(2 * rules.size() + 2);
  }

  @Test
  void buildingValidatesAndDerives() {
    assertThatThrownBy(() -> IpRules.builder().allow("10.0.0.0/8").deny("10.0.0.0/8"))
        .hasMessage("10.0.0.0/8 is both allowed and denied; keep one of the two rules");
    assertThatThrownBy(() -> IpRules.builder().allow("10.0.0.1/8"))
        .hasMessageContaining("host bits");
    IpRules rules = IpRules.builder().allow("10.0.0.0/8", "10.0.0.0/8").deny("10.9.9.9").build();
    assertThat(rules.size()).isEqualTo(2);
    assertThat(rules).hasToString("IpRules[1 allow, 1 deny rules]");
    IpRules changed =
        rules.toBuilder()
            .remove(Cidr.parse("10.9.9.9"))
            .allow(Cidr.parse("10.1.2.3/16", HostBits.CLEAR))
            .build();
    assertThat(changed.rules())
        .extracting(IpRule::toString)
        .containsExactly("allow 10.0.0.0/8", "allow 10.1.0.0/16");
    assertThat(check(rules, "10.9.9.9").allowed()).as("the original is immutable").isFalse();
    assertThat(check(changed, "10.9.9.9").allowed()).isTrue();
  }

  @Test
  void theFilterReadsTheSpaceSnapshot() {
    IpRules rules = IpRules.builder().deny("203.0.113.0/24").build();
    Settings settings = Settings.empty().with("tenant-a", IpFilter.RULES, rules);
    var filter = IpFilter.addressFilter();
    var client = IpAddress.parse("203.0.113.7").toInetAddress();
    assertThat(filter.check(client, "tenant-a", settings).detail())
        .isEqualTo("203.0.113.7 denied by deny 203.0.113.0/24");
    assertThat(filter.check(client, "tenant-b", settings).detail()).isEqualTo("no address rules");
    assertThat(IpFilter.addressFilter(rules).check(client, "tenant-b", Settings.empty()).allowed())
        .isFalse();
  }
}
