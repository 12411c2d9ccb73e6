package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.core.AddressResolution;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Settings;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzz target of client-address resolution. The input is UTF-8 lines: the trusted-proxy
 * configuration's name (see {@link #CONFIGS}; anything else means {@code xff}), the socket peer
 * (anything unparsable means {@code 10.0.0.2}), then each remaining line is one line of the
 * configuration's forwarding header, verbatim.
 *
 * <p>Oracle: resolution never throws and never guesses. It either refuses with {@link
 * Reason#ADDRESS_DENIED} and a bounded detail without control characters, or resolves to the socket
 * peer, or (only when the peer is a trusted proxy or proxies are trusted by count) to an address
 * written literally in the header. Because every resolved address must be spelled out in the
 * request, a name such as {@code localhost} can never be resolved through DNS unnoticed.
 */
class ClientAddressFuzzTest {
  static final Map<String, TrustedProxies> CONFIGS =
      Map.of(
          "none", TrustedProxies.NONE,
          "xff", ClientAddressResolverTest.XFF,
          "hops1", TrustedProxies.builder().hops(1).build(),
          "hops2", ClientAddressResolverTest.HOPS_2,
          "xff-max4", TrustedProxies.builder().trust("10.0.0.0/8").maxEntries(4).build(),
          "realip", ClientAddressResolverTest.REAL_IP,
          "forwarded", ClientAddressResolverTest.FORWARDED,
          "forwarded-hops2",
              TrustedProxies.builder().hops(2).header(ForwardedHeader.FORWARDED).build());

  /** Maximal runs of characters that can spell an address. */
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  @FuzzTest(maxDuration = "2m")
  void resolve(byte[] input) {
    List<String> lines = Arrays.asList(new String(input, StandardCharsets.UTF_8).split("\n", -1));
    TrustedProxies proxies = CONFIGS.getOrDefault(lines.get(0).strip(), CONFIGS.get("xff"));
    String peerText = lines.size() > 1 ? lines.get(1).strip() : "";
    IpAddress peer =
        IpParser.parseAddress(peerText) instanceof ParseResult.Ok<IpAddress> ok
            ? ok.value()
            : IpAddress.parse("10.0.0.2");
    List<String> headerLines = lines.size() > 2 ? lines.subList(2, lines.size()) : List.of();
    AuthRequest.Builder request =
        AuthRequest.builder().remoteAddress(rawInetAddress(peerText, peer));
    for (String line : headerLines) {
      request.header(proxies.header().headerName(), line);
    }

    AddressResolution resolution =
        IpFilter.clientAddressResolver(proxies)
            .resolve(request.build(), "default", Settings.empty());

    String detail = resolution.detail();
    assertThat(detail).isNotBlank();
    assertThat(detail.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as(detail).isTrue();
    assertThat(detail.length()).isLessThan(200 * (proxies.maxEntries() + 2));
    if (resolution.address() == null) {
      assertThat(resolution.reason()).as(detail).isEqualTo(Reason.ADDRESS_DENIED);
      assertThat(proxies.isNone()).as("no proxies trusted, yet refused: %s", detail).isFalse();
      return;
    }
    IpAddress client = IpAddress.of(resolution.address());
    assertThat(resolution.address() instanceof Inet4Address)
        .as("an IPv4(-mapped) client is an Inet4Address")
        .isEqualTo(client.isIpv4());
    if (client.equals(peer)) {
      return;
    }
    assertThat(proxies.isNone()).as("no proxies trusted: %s", detail).isFalse();
    assertThat(proxies.hops() > 0 || proxies.trusts(peer))
        .as("an untrusted peer's header was used: %s", detail)
        .isTrue();
    assertThat(writtenIn(headerLines, client))
        .as("%s is not written in %s (%s)", client, headerLines, detail)
        .isTrue();
  }

  /**
   * True when some literal in the header lines parses, strictly, to {@code address}. A line is also
   * read with its quoted-pairs undone ({@code \\b} is {@code b}, RFC 9110), since that is what an
   * RFC 7239 quoted string means: found by the fuzzer as {@code for="[2001:\\b8:cafe::17]"}.
   */
  private static boolean writtenIn(List<String> lines, IpAddress address) {
    for (String line : lines) {
      if (writtenIn(line, address) || writtenIn(line.replaceAll("\\\\(.)", "$1"), address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean writtenIn(String line, IpAddress address) {
    Matcher literal = LITERAL.matcher(line);
    while (literal.find()) {
      String text = literal.group();
      // "a.b.c.d:port" and "[v6]:port" leave a port behind the literal; try without it too.
      int colon = text.lastIndexOf(':');
      for (String candidate : colon < 0 ? List.of(text) : List.of(text, text.substring(0, colon))) {
        if (IpParser.parseAddress(candidate) instanceof ParseResult.Ok<IpAddress> ok
            && ok.value().equals(address)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The peer as the socket would report it: an IPv4-mapped text stays an IPv6 {@code InetAddress}
   * (as a dual-stack socket reports it), so the resolver's normalisation is exercised.
   */
  private static java.net.InetAddress rawInetAddress(String text, IpAddress peer) {
    if (peer.isIpv4() && text.contains(":")) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xFF;
      mapped[11] = (byte) 0xFF;
      System.arraycopy(peer.toBytes(), 0, mapped, 12, 4);
      try {
        return java.net.Inet6Address.getByAddress(null, mapped, -1);
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
    }
    return peer.toInetAddress();
  }
}
