package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.AddressResolution;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input table of client-address resolution: proxies, socket peer and header lines in,
 * the resolved client (or, prefixed with {@code !}, a fragment of the refusal) out.
 */
class ClientAddressResolverTest {
  static final TrustedProxies XFF =
      TrustedProxies.builder().trust("10.0.0.0/8", "fd00::/8").build();
  static final TrustedProxies HOPS_2 = TrustedProxies.builder().hops(2).build();

  /** One proxy, and only when the socket peer is in 10.0.0.0/8. */
  static final TrustedProxies HOP_1_FROM_TEN =
      TrustedProxies.builder().trust("10.0.0.0/8").hops(1).build();

  /** Two proxies (a CDN at any address, then a balancer in 10.0.0.0/8). */
  static final TrustedProxies HOPS_2_FROM_TEN =
      TrustedProxies.builder().hops(2).trust("10.0.0.0/8").build();

  static final TrustedProxies REAL_IP =
      TrustedProxies.builder().trust("10.0.0.0/8").header(ForwardedHeader.X_REAL_IP).build();
  static final TrustedProxies FORWARDED =
      TrustedProxies.builder()
          .trust("10.0.0.0/8", "fd00::/8")
          .header(ForwardedHeader.FORWARDED)
          .build();

  static Stream<Arguments> cases() {
    String tenThousand = String.join(", ", Collections.nCopies(10_000, "10.9.9.9"));
    return Stream.of(
        // No proxies trusted: the peer is the client, headers never read.
        row(TrustedProxies.NONE, "203.0.113.7", List.of("1.1.1.1"), "203.0.113.7"),
        row(TrustedProxies.NONE, "203.0.113.7", List.of("garbage,,,"), "203.0.113.7"),
        // Untrusted peer: its forwarding header is ignored, even a hostile one.
        row(XFF, "203.0.113.7", List.of("10.0.0.1"), "203.0.113.7"),
        row(XFF, "203.0.113.7", List.of(tenThousand), "203.0.113.7"),
        row(XFF, "203.0.113.7", List.of("127.1"), "203.0.113.7"),
        // X-Forwarded-For walked right to left.
        row(XFF, "10.0.0.2", List.of("203.0.113.7"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7, 10.0.0.1"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("1.1.1.1, 203.0.113.7, 10.0.0.1"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("not-an-ip", "203.0.113.7"), "!entry 1: 'not-an-ip'"),
        row(XFF, "10.0.0.2", List.of(), "10.0.0.2"),
        row(XFF, "10.0.0.2", List.of("10.0.0.9, 10.0.0.1"), "10.0.0.9"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7,10.0.0.1"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("\t203.0.113.7 ,  10.0.0.1\t"), "203.0.113.7"),
        // All header lines, in order.
        row(XFF, "10.0.0.2", List.of("203.0.113.7", "10.0.0.1"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("10.0.0.1", "203.0.113.7"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("198.51.100.1", "203.0.113.7", "10.0.0.1"), "203.0.113.7"),
        // Ports and brackets.
        row(XFF, "10.0.0.2", List.of("203.0.113.7:51234"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("[2001:db8::7]:443"), "2001:db8::7"),
        row(XFF, "10.0.0.2", List.of("[2001:db8::7]"), "2001:db8::7"),
        row(XFF, "10.0.0.2", List.of("2001:db8::7"), "2001:db8::7"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7:"), "!invalid port"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7:65536"), "!port above 65535"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7:http"), "!invalid port"),
        row(XFF, "10.0.0.2", List.of("[2001:db8::7"), "!unclosed '['"),
        row(XFF, "10.0.0.2", List.of("[203.0.113.7]"), "!brackets hold no IPv6"),
        row(XFF, "10.0.0.2", List.of("[2001:db8::7]x"), "!not a port"),
        row(XFF, "10.0.0.2", List.of("[fe80::1%eth0]:80"), "!zone ids"),
        // Mixed families, mapped addresses.
        row(XFF, "fd00::2", List.of("203.0.113.7, fd00::1"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("2001:db8::7, fd00::1"), "2001:db8::7"),
        row(XFF, "::ffff:10.0.0.2", List.of("203.0.113.7"), "203.0.113.7"),
        row(XFF, "10.0.0.2", List.of("::ffff:10.0.0.1"), "10.0.0.1"),
        row(XFF, "10.0.0.2", List.of("1.1.1.1, ::ffff:10.0.0.1"), "1.1.1.1"),
        // Malformed from a trusted peer: refused, never guessed.
        row(XFF, "10.0.0.2", List.of(""), "!entry 1 is empty"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7,,10.0.0.1"), "!entry 2 is empty"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7,"), "!entry 2 is empty"),
        row(XFF, "10.0.0.2", List.of(" , "), "!entry 1 is empty"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7", ""), "!entry 2 is empty"),
        row(XFF, "10.0.0.2", List.of("10.1"), "!exactly 4 octets"),
        row(XFF, "10.0.0.2", List.of("0x7f.0.0.1"), "!not decimal"),
        row(XFF, "10.0.0.2", List.of("2130706433"), "!integer forms"),
        row(XFF, "10.0.0.2", List.of("localhost"), "!neither a dotted quad"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7 10.0.0.1"), "!whitespace"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7;10.0.0.1"), "!not decimal"),
        row(XFF, "10.0.0.2", List.of("\"203.0.113.7\""), "!not decimal"),
        row(XFF, "10.0.0.2", List.of("203.0.113.7\r\nX-Evil: 1"), "!invalid port"),
        row(XFF, "10.0.0.2", List.of(tenThousand), "!more than 32 entries"),
        row(XFF, "10.0.0.2", Collections.nCopies(10_000, "10.9.9.9"), "!more than 32 entries"),
        row(XFF, "10.0.0.2", List.of(" ".repeat(200) + "1.2.3.4"), "!longer than 100"),
        row(XFF, "10.0.0.2", List.of("unknown"), "!no address to check"),
        row(XFF, "10.0.0.2", List.of("unknown, 203.0.113.7"), "203.0.113.7"),
        // Hop count: the client is the 2nd entry from the right whatever its address.
        row(HOPS_2, "192.0.2.1", List.of("203.0.113.7, 192.0.2.9"), "203.0.113.7"),
        row(HOPS_2, "192.0.2.1", List.of("6.6.6.6, 203.0.113.7, 192.0.2.9"), "203.0.113.7"),
        row(HOPS_2, "192.0.2.1", List.of("192.0.2.9"), "!lists 1 hops, but 2 trusted proxies"),
        row(HOPS_2, "192.0.2.1", List.of(), "!no X-Forwarded-For"),
        // Hop count with CIDRs: a client reaching the port directly cannot pick its address.
        row(HOP_1_FROM_TEN, "203.0.113.9", List.of("10.0.0.5"), "203.0.113.9"),
        row(HOP_1_FROM_TEN, "203.0.113.9", List.of("10.0.0.5, 10.0.0.6"), "203.0.113.9"),
        row(HOP_1_FROM_TEN, "2001:db8::9", List.of("10.0.0.5"), "2001:db8::9"),
        row(HOP_1_FROM_TEN, "::ffff:203.0.113.9", List.of("10.0.0.5"), "203.0.113.9"),
        row(HOP_1_FROM_TEN, "203.0.113.9", List.of(), "203.0.113.9"),
        // ... and through the proxy, at most that many hops are walked, whatever the header says.
        row(HOP_1_FROM_TEN, "10.0.0.2", List.of("203.0.113.7"), "203.0.113.7"),
        row(HOP_1_FROM_TEN, "10.0.0.2", List.of("6.6.6.6, 203.0.113.7"), "203.0.113.7"),
        row(HOP_1_FROM_TEN, "10.0.0.2", List.of("10.0.0.5, 10.0.0.9"), "10.0.0.9"),
        row(HOP_1_FROM_TEN, "10.0.0.2", List.of(), "!no X-Forwarded-For"),
        row(HOP_1_FROM_TEN, "10.0.0.2", List.of("junk"), "!malformed"),
        row(HOPS_2_FROM_TEN, "10.0.0.2", List.of("203.0.113.7, 198.51.100.1"), "203.0.113.7"),
        row(
            HOPS_2_FROM_TEN,
            "10.0.0.2",
            List.of("6.6.6.6, 203.0.113.7, 198.51.100.1"),
            "203.0.113.7"),
        row(HOPS_2_FROM_TEN, "198.51.100.1", List.of("203.0.113.7, 10.0.0.5"), "198.51.100.1"),
        row(HOPS_2_FROM_TEN, "10.0.0.2", List.of("198.51.100.1"), "!lists 1 hops, but 2"),
        // X-Real-IP: one value from the trusted peer.
        row(REAL_IP, "10.0.0.2", List.of("203.0.113.7"), "203.0.113.7"),
        row(REAL_IP, "10.0.0.2", List.of("203.0.113.7", "198.51.100.1"), "!sent 2 times"),
        row(REAL_IP, "10.0.0.2", List.of("203.0.113.7, 198.51.100.1"), "!one address is expected"),
        row(REAL_IP, "203.0.113.9", List.of("10.0.0.1"), "203.0.113.9"),
        row(REAL_IP, "10.0.0.2", List.of("[2001:db8::7]:80"), "2001:db8::7"),
        // RFC 7239 Forwarded.
        row(FORWARDED, "10.0.0.2", List.of("for=203.0.113.7"), "203.0.113.7"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of("for=203.0.113.7;proto=https;by=10.0.0.2"),
            "203.0.113.7"),
        row(FORWARDED, "10.0.0.2", List.of("For=\"203.0.113.7:4711\""), "203.0.113.7"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of("for=\"[2001:db8:cafe::17]:4711\""),
            "2001:db8:cafe::17"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of("for=\"[2001:db8:cafe::17]\", for=10.0.0.1"),
            "2001:db8:cafe::17"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of("for=198.51.100.1, for=203.0.113.7", "for=10.0.0.1"),
            "203.0.113.7"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"_hidden\", for=203.0.113.7"), "203.0.113.7"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"203.0.113.7:_port1\""), "203.0.113.7"),
        row(FORWARDED, "10.0.0.2", List.of("for=_hidden"), "!_hidden: this hop has no address"),
        row(FORWARDED, "10.0.0.2", List.of("for=unknown"), "!unknown: this hop has no address"),
        row(FORWARDED, "10.0.0.2", List.of("proto=https"), "!(no for=)"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of("for=203.0.113.7;host=\"a,b\", for=10.0.0.1"),
            "203.0.113.7"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"[2001:db8::1\\]\""), "2001:db8::1"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of("for=[2001:db8::1]"),
            "!neither a token nor a quoted string"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"2001:db8::1\""), "!must be in brackets"),
        row(FORWARDED, "10.0.0.2", List.of("for=203.0.113.7;for=1.1.1.1"), "!'for' appears twice"),
        row(FORWARDED, "10.0.0.2", List.of("for = 203.0.113.7"), "!not token=value"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"203.0.113.7"), "!unterminated quoted string"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"203.0.113.7\\"), "!unterminated quoted string"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"203.0.113.7\"x"), "!neither a token"),
        row(FORWARDED, "10.0.0.2", List.of("for="), "!neither a token"),
        row(FORWARDED, "10.0.0.2", List.of("=203.0.113.7"), "!not token=value"),
        row(FORWARDED, "10.0.0.2", List.of("for=_"), "!not a valid obfuscated"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"_bad!id\""), "!not a valid obfuscated"),
        row(FORWARDED, "10.0.0.2", List.of("for=203.0.113.7,,for=10.0.0.1"), "!entry 2 is empty"),
        row(FORWARDED, "10.0.0.2", List.of("for=010.0.0.1"), "!leading zero"),
        row(FORWARDED, "10.0.0.2", List.of("for=203.0.113.7;;proto=http"), "203.0.113.7"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"203.0.113.7\u0001\""), "!neither a token"),
        row(
            FORWARDED,
            "10.0.0.2",
            List.of(String.join(",", Collections.nCopies(10_000, "for=10.9.9.9"))),
            "!more than 32 entries"),
        row(FORWARDED, "10.0.0.2", List.of("for=\"" + "x".repeat(600) + "\""), "!longer than 512"));
  }

  @ParameterizedTest(name = "[{index}] peer {1} -> {3}")
  @MethodSource("cases")
  void resolvesOrRefuses(TrustedProxies proxies, String peer, List<String> lines, String expected) {
    AuthRequest.Builder builder =
        AuthRequest.builder().remoteAddress(IpAddress.parse(peer).toInetAddress());
    for (String line : lines) {
      builder.header(proxies.header().headerName(), line);
    }
    AddressResolution resolution =
        IpFilter.clientAddressResolver(proxies)
            .resolve(builder.build(), "default", Settings.empty());
    if (expected.startsWith("!")) {
      assertThat(resolution.reason()).as(resolution.detail()).isEqualTo(Reason.ADDRESS_DENIED);
      assertThat(resolution.detail()).contains(expected.substring(1)).hasSizeLessThan(1_200);
    } else {
      assertThat(resolution.address()).as(resolution.detail()).isNotNull();
      assertThat(IpAddress.of(resolution.address())).isEqualTo(IpAddress.parse(expected));
    }
  }

  @Test
  void theDetailRecordsEachHop() {
    AuthRequest request =
        AuthRequest.builder()
            .remoteAddress(IpAddress.parse("10.0.0.2").toInetAddress())
            .header("x-forwarded-for", "198.51.100.1, 203.0.113.7, 10.0.0.1")
            .build();
    AddressResolution resolution =
        IpFilter.clientAddressResolver(XFF).resolve(request, "default", Settings.empty());
    assertThat(resolution.detail())
        .isEqualTo(
            "X-Forwarded-For: peer 10.0.0.2 (trusted) <- 10.0.0.1 (trusted) <- 203.0.113.7"
                + " (client) [1 earlier entries not used]");
  }

  /**
   * A hop count alone believes any peer, so a client reaching the port directly picks its address:
   * allowed (some deployments need it), but the detail says so and CIDRs close the gap.
   */
  @Test
  void aHopCountAloneTrustsAnyPeerAndSaysSoWhileCidrsCloseTheGap() {
    AuthRequest direct =
        AuthRequest.builder()
            .remoteAddress(IpAddress.parse("203.0.113.9").toInetAddress())
            .header("X-Forwarded-For", "10.0.0.5")
            .build();
    TrustedProxies hopAlone = TrustedProxies.builder().hops(1).build();
    AddressResolution spoofed =
        IpFilter.clientAddressResolver(hopAlone).resolve(direct, "default", Settings.empty());
    assertThat(spoofed.address()).isEqualTo(IpAddress.parse("10.0.0.5").toInetAddress());
    assertThat(spoofed.detail()).contains("a hop count alone trusts any peer");
    assertThat(hopAlone.trustsAnyPeer()).isTrue();

    AddressResolution gated =
        IpFilter.clientAddressResolver(HOP_1_FROM_TEN).resolve(direct, "default", Settings.empty());
    assertThat(gated.address()).isEqualTo(IpAddress.parse("203.0.113.9").toInetAddress());
    assertThat(gated.detail())
        .isEqualTo("socket peer 203.0.113.9 is not a trusted proxy; X-Forwarded-For ignored");
    assertThat(HOP_1_FROM_TEN.trustsAnyPeer()).isFalse();
    assertThat(HOP_1_FROM_TEN.hops()).isEqualTo(1);
    assertThat(HOP_1_FROM_TEN.cidrs()).hasSize(1);
    assertThat(HOP_1_FROM_TEN)
        .hasToString("TrustedProxies[1 hops from [10.0.0.0/8], X-Forwarded-For, max 32 entries]");

    // The same through the space settings the CLI and ManagedGatehouse write.
    Settings settings = Settings.empty().with("edge", IpFilter.PROXIES, HOP_1_FROM_TEN);
    assertThat(IpFilter.clientAddressResolver().resolve(direct, "edge", settings).address())
        .isEqualTo(IpAddress.parse("203.0.113.9").toInetAddress());
  }

  @Test
  void untrustedPeerAndNoProxiesAreExplained() {
    AuthRequest request =
        AuthRequest.builder()
            .remoteAddress(IpAddress.parse("203.0.113.9").toInetAddress())
            .header("x-forwarded-for", "10.0.0.1")
            .build();
    assertThat(IpFilter.clientAddressResolver(XFF).resolve(request, "s", Settings.empty()).detail())
        .isEqualTo("socket peer 203.0.113.9 is not a trusted proxy; X-Forwarded-For ignored");
    assertThat(IpFilter.clientAddressResolver().resolve(request, "s", Settings.empty()).detail())
        .isEqualTo("socket peer 203.0.113.9");
  }

  @Test
  void proxiesComeFromTheSpaceSettings() {
    AuthRequest request =
        AuthRequest.builder()
            .remoteAddress(IpAddress.parse("10.0.0.2").toInetAddress())
            .header("X-Forwarded-For", "203.0.113.7")
            .build();
    Settings settings = Settings.empty().with("edge", IpFilter.PROXIES, XFF);
    var resolver = IpFilter.clientAddressResolver();
    assertThat(resolver.resolve(request, "edge", settings).address())
        .isEqualTo(IpAddress.parse("203.0.113.7").toInetAddress());
    assertThat(resolver.resolve(request, "other", settings).address())
        .isEqualTo(IpAddress.parse("10.0.0.2").toInetAddress());
  }

  @Test
  void anUnresolvedPeerIsRefused() {
    AuthRequest request =
        AuthRequest.builder()
            .remoteAddress(InetSocketAddress.createUnresolved("proxy.internal", 80))
            .build();
    AddressResolution resolution =
        IpFilter.clientAddressResolver().resolve(request, "default", Settings.empty());
    assertThat(resolution.reason()).isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(resolution.detail()).contains("no IP address");
  }

  @Test
  void configurationMistakesFailAtBuildTime() {
    assertThatThrownBy(() -> TrustedProxies.builder().build())
        .hasMessageContaining("by CIDR, by hop count, or both");
    assertThatThrownBy(
            () -> TrustedProxies.builder().hops(2).header(ForwardedHeader.X_REAL_IP).build())
        .hasMessageContaining("X-Real-IP holds one address");
    assertThatThrownBy(() -> TrustedProxies.builder().hops(0)).hasMessageContaining("was 0");
    assertThatThrownBy(() -> TrustedProxies.builder().maxEntries(0)).hasMessageContaining("was 0");
    assertThatThrownBy(() -> TrustedProxies.builder().hops(5).maxEntries(4).build())
        .hasMessageContaining("cannot exceed maxEntries");
    assertThatThrownBy(() -> TrustedProxies.builder().trust("10.0.0.1/8"))
        .hasMessageContaining("host bits");
    assertThat(XFF.cidrs()).hasSize(2);
    assertThat(XFF.maxEntries()).isEqualTo(TrustedProxies.DEFAULT_MAX_ENTRIES);
    assertThat(HOPS_2)
        .hasToString("TrustedProxies[2 hops from any peer, X-Forwarded-For, max 32 entries]");
    assertThat(TrustedProxies.NONE.isNone()).isTrue();
    assertThat(TrustedProxies.NONE).hasToString("TrustedProxies[none]");
  }

  private static Arguments row(
      TrustedProxies proxies, String peer, List<String> lines, String expected) {
    return Arguments.of(proxies, peer, lines, expected);
  }
}
