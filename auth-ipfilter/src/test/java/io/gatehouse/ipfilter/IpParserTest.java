package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input table of the strict parser: each input with the canonical address it parses to,
 * or (prefixed with {@code !}) a fragment of the reason it is refused.
 */
class IpParserTest {

  static Stream<Arguments> addresses() {
    return Stream.of(
        // IPv4, valid
        row("0.0.0.0", "0.0.0.0"),
        row("127.0.0.1", "127.0.0.1"),
        row("255.255.255.255", "255.255.255.255"),
        row("10.0.0.1", "10.0.0.1"),
        // IPv4 forms inet_aton accepts and we refuse
        row("010.0.0.1", "!leading zero (octal"),
        row("127.0.0.01", "!leading zero"),
        row("00.0.0.0", "!leading zero"),
        row("0127.0.0.1", "!leading zero"),
        row("0x7f.0.0.1", "!not decimal (hex"),
        row("0x7f000001", "!neither a dotted quad"),
        row("10.1", "!exactly 4 octets (shorthand"),
        row("127.1", "!exactly 4 octets"),
        row("10.0.1", "!exactly 4 octets"),
        row("167772161", "!integer forms are refused"),
        row("2130706433", "!integer forms"),
        row("1.2.3.4.5", "!exactly 4 octets"),
        row("256.0.0.1", "!above 255"),
        row("1.2.3.1000", "!above 255"),
        row("1.2.3.", "!octet is empty"),
        row(".1.2.3", "!octet is empty"),
        row("1..2.3", "!octet is empty"),
        row("1.2.3.4.", "!octet is empty"),
        row("+1.2.3.4", "!not decimal"),
        row("-1.2.3.4", "!not decimal"),
        row("1.2.3.4a", "!not decimal"),
        row("١.٢.٣.٤", "!non-ASCII"), // Arabic-Indic digits: Character.isDigit says yes
        row("１.2.3.4", "!non-ASCII"), // full-width digit
        row(" 1.2.3.4", "!whitespace"),
        row("1.2.3.4 ", "!whitespace"),
        row("1.2.3.4\n", "!whitespace"),
        row("1.2.3.4\u0000", "!control"),
        row("", "!empty"),
        row("localhost", "!neither a dotted quad nor IPv6"),
        row("example.com", "!not decimal"),
        row("1.2.3.4/32", "!not decimal"),
        // IPv6, valid, canonical per RFC 5952
        row("::", "::"),
        row("::1", "::1"),
        row("2001:db8::1", "2001:db8::1"),
        row("2001:DB8::1", "2001:db8::1"),
        row("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        row("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        row("2001:db8::1:0:0:1", "2001:db8::1:0:0:1"),
        row("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        row("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        row("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"),
        row("fe80::", "fe80::"),
        row("1::", "1::"),
        row("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        row("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
        row("::1.2.3.4", "::102:304"), // IPv4-compatible (deprecated) is not mapped
        row("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        // IPv4-mapped: normalised to IPv4 so IPv4 rules apply
        row("::ffff:127.0.0.1", "127.0.0.1"),
        row("::FFFF:127.0.0.1", "127.0.0.1"),
        row("::ffff:7f00:1", "127.0.0.1"),
        row("0:0:0:0:0:ffff:7f00:0001", "127.0.0.1"),
        row("::ffff:0.0.0.0", "0.0.0.0"),
        row("::ffff:010.0.0.1", "!embedded IPv4: an octet has a leading zero"),
        row("::ffff:1.2.3", "!embedded IPv4"),
        // IPv6, refused
        row("fe80::1%eth0", "!zone ids are refused"),
        row("fe80::1%25eth0", "!zone ids"),
        row("[::1]", "!brackets"),
        row("[::1]:80", "!brackets"),
        row(":::", "!empty or not hex"),
        row("1:::2", "!empty or not hex"),
        row("::1::", "!'::' appears twice"),
        row("1::2::3", "!'::' appears twice"),
        row(":1::", "!starts with a single ':'"),
        row("1::2:", "!ends with a single ':'"),
        row("1:2:3:4:5:6:7", "!7 groups; 8 are needed"),
        row("1:2:3:4:5:6:7:8:9", "!more than 8 groups"),
        row("1:2:3:4:5:6:7:8::", "!'::' must stand for at least one group"),
        row("1:2:3:4::5:6:7:8", "!'::' must stand for at least one group"),
        row("12345::1", "!more than 4 hex digits"),
        row("00000::1", "!more than 4 hex digits"),
        row("g::1", "!empty or not hex"),
        row("1:2:3:4:5:6:7:1.2.3.4", "!last 32 bits"),
        row("::1.2.3.4:5", "!embedded IPv4"),
        row("1:2:3:4:5:6:7:8:1.2.3.4", "!last 32 bits"),
        row("::1 ", "!whitespace"),
        row("2001:db8::1\r\n", "!whitespace"),
        row("1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19", "!too long"),
        row("a".repeat(10_000), "!too long (10000 characters)"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("addresses")
  void parsesOrRefusesPrecisely(String input, String expected) {
    ParseResult<IpAddress> result = IpParser.parseAddress(input);
    if (expected.startsWith("!")) {
      assertThat(result).isInstanceOf(ParseResult.Invalid.class);
      String reason = ((ParseResult.Invalid<IpAddress>) result).reason();
      assertThat(reason).contains(expected.substring(1)).doesNotContain("\n").hasSizeLessThan(200);
    } else {
      assertThat(result.isValid()).as("%s is valid", input).isTrue();
      assertThat(result.orElseThrow()).hasToString(expected);
      // What the JDK builds from the bytes agrees (getByAddress: no lookup).
      IpAddress parsed = result.orElseThrow();
      assertThat(IpAddress.of(parsed.toInetAddress())).isEqualTo(parsed);
      assertThat(parsed.toInetAddress().getAddress()).isEqualTo(parsed.toBytes());
    }
  }

  static Stream<Arguments> cidrs() {
    return Stream.of(
        row("10.0.0.0/8", "10.0.0.0/8"),
        row("0.0.0.0/0", "0.0.0.0/0"),
        row("10.1.2.3/32", "10.1.2.3/32"),
        row("10.1.2.3", "10.1.2.3/32"),
        row("2001:db8::/32", "2001:db8::/32"),
        row("::/0", "::/0"),
        row("2001:db8::1", "2001:db8::1/128"),
        row("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        row("::ffff:127.0.0.1/128", "127.0.0.1/32"),
        row("::ffff:0:0/96", "0.0.0.0/0"),
        row("::ffff:0:0/95", "!IPv4-mapped network needs a prefix of /96"),
        row("10.1.2.3/8", "!host bits are set (the network is 10.0.0.0/8)"),
        row("2001:db8::1/32", "!host bits are set (the network is 2001:db8::/32)"),
        row("10.0.0.0/33", "!decimal 0-32"),
        row("::/129", "!decimal 0-128"),
        row("10.0.0.0/08", "!decimal 0-32"),
        row("10.0.0.0/", "!decimal 0-32"),
        row("10.0.0.0/-1", "!decimal 0-32"),
        row("10.0.0.0/+8", "!decimal 0-32"),
        row("10.0.0.0/8 ", "!decimal 0-32"),
        row("10.0.0.0/8/8", "!decimal 0-32"),
        row("010.0.0.0/8", "!leading zero"),
        row("10/8", "!integer forms"),
        row("fe80::%eth0/64", "!zone ids"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("cidrs")
  void parsesCidrsStrictly(String input, String expected) {
    ParseResult<Cidr> result = IpParser.parseCidr(input, HostBits.REFUSE);
    if (expected.startsWith("!")) {
      assertThat(result).isInstanceOf(ParseResult.Invalid.class);
      assertThat(((ParseResult.Invalid<Cidr>) result).reason()).contains(expected.substring(1));
      assertThatThrownBy(() -> Cidr.parse(input))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(expected.substring(1));
    } else {
      assertThat(result.orElseThrow()).hasToString(expected);
      assertThat(Cidr.parse(input)).hasToString(expected);
    }
  }

  @Test
  void hostBitsAreClearedOnlyWhenAskedTo() {
    assertThat(Cidr.parse("10.1.2.3/8", HostBits.CLEAR)).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("2001:db8::1/32", HostBits.CLEAR)).hasToString("2001:db8::/32");
    assertThatThrownBy(() -> new Cidr(IpAddress.parse("10.1.2.3"), 8))
        .hasMessageContaining("host bits set; did you mean 10.0.0.0/8?");
    assertThatThrownBy(() -> new Cidr(IpAddress.parse("10.1.2.3"), 33))
        .hasMessageContaining("outside 0-32");
  }

  @Test
  void mappedAddressesFromTheSocketAreIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    assertThat(IpAddress.of(InetAddress.getByAddress(mapped)))
        .isEqualTo(IpAddress.parse("127.0.0.1"));
    assertThat(IpAddress.ipv6(0, 0xffff_7f00_0001L)).isEqualTo(IpAddress.ipv4(0x7f000001));
    assertThat(IpAddress.parse("::ffff:127.0.0.1").family()).isEqualTo(IpFamily.IPV4);
  }

  @Test
  void addressesCompareByFamilyThenValue() {
    assertThat(IpAddress.parse("255.255.255.255")).isLessThan(IpAddress.parse("::"));
    assertThat(IpAddress.parse("128.0.0.0")).isGreaterThan(IpAddress.parse("127.255.255.255"));
    assertThat(IpAddress.parse("8000::")).isGreaterThan(IpAddress.parse("7fff::"));
    assertThat(IpAddress.parse("::1")).hasSameHashCodeAs(IpAddress.parse("0::1"));
    assertThatThrownBy(() -> IpAddress.parse("10.1")).hasMessageContaining("'10.1'");
  }

  @Test
  void cidrContainment() {
    Cidr net = Cidr.parse("10.0.0.0/8");
    assertThat(net.contains(IpAddress.parse("10.255.255.255"))).isTrue();
    assertThat(net.contains(IpAddress.parse("11.0.0.0"))).isFalse();
    assertThat(net.contains(IpAddress.parse("::a00:1"))).as("family is checked").isFalse();
    assertThat(net.contains(Cidr.parse("10.1.0.0/16"))).isTrue();
    assertThat(Cidr.parse("10.1.0.0/16").contains(net)).isFalse();
    assertThat(Cidr.parse("::/0").contains(IpAddress.parse("1.2.3.4"))).isFalse();
    assertThat(Cidr.of(IpAddress.parse("::1"))).hasToString("::1/128");
  }

  private static Arguments row(String input, String expected) {
    return Arguments.of(input, expected);
  }
}
