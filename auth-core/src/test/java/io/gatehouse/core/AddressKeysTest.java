package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressKeysTest {
  static byte[] ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal).getAddress(); // literals only: no DNS
  }

  static long[] key(AddressKeys keys, String literal) throws UnknownHostException {
    byte[] address = ip(literal);
    return new long[] {keys.hi(address), keys.lo(address)};
  }

  @Test
  void ipv6CountsByItsPrefixAndIpv4ByItsAddress() throws UnknownHostException {
    AddressKeys keys = AddressKeys.standard();
    assertThat(keys.ipv6PrefixBits()).isEqualTo(AddressKeys.DEFAULT_IPV6_PREFIX_BITS).isEqualTo(64);
    assertThat(key(keys, "2001:db8:1:2::1")).isEqualTo(key(keys, "2001:db8:1:2:ffff:1:2:3"));
    assertThat(key(keys, "2001:db8:1:2::1")).isNotEqualTo(key(keys, "2001:db8:1:3::1"));
    assertThat(key(keys, "203.0.113.9")).isNotEqualTo(key(keys, "203.0.113.10"));
    // No IPv6 key is an IPv4 key, not even ::cb00:7109 (203.0.113.9 in its last 32 bits).
    assertThat(key(AddressKeys.ipv6Prefix(128), "::cb00:7109"))
        .isNotEqualTo(key(keys, "203.0.113.9"));
  }

  @Test
  void aPrefixOtherThan64CutsTheKeyThere() throws UnknownHostException {
    AddressKeys per48 = AddressKeys.ipv6Prefix(48);
    assertThat(key(per48, "2001:db8:1:2::1")).isEqualTo(key(per48, "2001:db8:1:ffff::9"));
    assertThat(key(per48, "2001:db8:1::1")).isNotEqualTo(key(per48, "2001:db8:2::1"));
    AddressKeys per96 = AddressKeys.ipv6Prefix(96);
    assertThat(key(per96, "2001:db8::1:2:0:1")).isEqualTo(key(per96, "2001:db8::1:2:ffff:ffff"));
    assertThat(key(per96, "2001:db8::1:2:0:1")).isNotEqualTo(key(per96, "2001:db8::1:3:0:1"));
    AddressKeys perHost = AddressKeys.ipv6Prefix(128);
    assertThat(key(perHost, "2001:db8::1")).isNotEqualTo(key(perHost, "2001:db8::2"));
    assertThat(AddressKeys.ipv6Prefix(64)).isSameAs(AddressKeys.standard());
  }

  @Test
  void aPrefixOutside32To128IsRefusedNamingIt() {
    assertThatThrownBy(() -> AddressKeys.ipv6Prefix(31))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6PrefixBits")
        .hasMessageContaining("31");
    assertThatThrownBy(() -> AddressKeys.ipv6Prefix(129)).hasMessageContaining("129");
  }
}
