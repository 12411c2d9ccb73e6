package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fuzz targets of the strict parser. In the normal build they replay the seeds under {@code
 * IpParserFuzzTestInputs/<method>/}; {@code JAZZER_FUZZ=1} fuzzes them. Each input is UTF-8 text.
 *
 * <p>Oracle: {@link IpReference}, the RFC 3986 grammar read independently. The parser accepts
 * exactly what the grammar accepts, with the same value; an accepted address prints canonically
 * (dotted quad, RFC 5952) and that text parses back to it; IPv4-mapped addresses come out as IPv4.
 */
class IpParserFuzzTest {
  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

  @FuzzTest(maxDuration = "1m")
  void parseAddress(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    ParseResult<IpAddress> result = IpParser.parseAddress(text);
    IpReference.Value expected = IpReference.parse(text);
    if (expected == null) {
      assertThat(result).isInstanceOf(ParseResult.Invalid.class);
      String reason = ((ParseResult.Invalid<IpAddress>) result).reason();
      assertThat(reason).contains(" is not an IP address: ");
      assertSafe(reason);
      return;
    }
    assertThat(result).as("%s is valid", text).isInstanceOf(ParseResult.Ok.class);
    IpAddress address = result.orElseThrow();
    assertMatches(address, expected);
  }

  @FuzzTest(maxDuration = "1m")
  void parseCidr(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    for (HostBits hostBits : HostBits.values()) {
      ParseResult<Cidr> result = IpParser.parseCidr(text, hostBits);
      Cidr expected = referenceCidr(text, hostBits);
      if (expected == null) {
        assertThat(result).as("%s (%s)", text, hostBits).isInstanceOf(ParseResult.Invalid.class);
        String reason = ((ParseResult.Invalid<Cidr>) result).reason();
        assertThat(reason).contains(" is not a CIDR: ");
        assertSafe(reason);
        continue;
      }
      assertThat(result).as("%s (%s)", text, hostBits).isInstanceOf(ParseResult.Ok.class);
      Cidr cidr = result.orElseThrow();
      assertThat(cidr).isEqualTo(expected);
      assertThat(IpParser.parseCidr(cidr.toString(), HostBits.REFUSE).orElseThrow())
          .isEqualTo(cidr);
      assertThat(cidr.contains(cidr.network())).isTrue();
    }
  }

  /** Checks {@code address} against the reference value and the canonical-text rules. */
  static void assertMatches(IpAddress address, IpReference.Value expected) {
    String printed = address.toString();
    if (expected.isIpv4()) {
      assertThat(address.isIpv4()).isTrue();
      assertThat(address.lo()).isEqualTo(expected.lo() & 0xFFFF_FFFFL);
      assertThat(printed).matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
      assertThat(address.toInetAddress()).isInstanceOf(Inet4Address.class);
    } else {
      assertThat(address.isIpv4()).isFalse();
      assertThat(address.hi()).isEqualTo(expected.hi());
      assertThat(address.lo()).isEqualTo(expected.lo());
      assertThat(printed).isEqualTo(IpReference.rfc5952(expected.hi(), expected.lo()));
    }
    assertThat(IpParser.parseAddress(printed).orElseThrow()).isEqualTo(address);
    assertThat(IpAddress.of(address.toInetAddress())).isEqualTo(address);
  }

  /** The CIDR the text denotes by the reference grammar, or null when it must be refused. */
  private static @Nullable Cidr referenceCidr(String text, HostBits hostBits) {
    int slash = text.indexOf('/');
    IpReference.Value value = IpReference.parse(slash < 0 ? text : text.substring(0, slash));
    if (value == null) {
      return null;
    }
    int width = value.ipv6Text() ? 128 : 32;
    int prefix = width;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (!PREFIX.matcher(digits).matches() || Integer.parseInt(digits) > width) {
        return null;
      }
      prefix = Integer.parseInt(digits);
    }
    IpAddress address;
    if (value.isIpv4()) {
      if (value.ipv6Text()) {
        if (prefix < 96) {
          return null; // a mapped network must not reach outside ::ffff:0:0/96
        }
        prefix -= 96;
      }
      address = IpAddress.ipv4((int) value.lo());
    } else {
      address = IpAddress.ipv6(value.hi(), value.lo());
    }
    Cidr masked = Cidr.masked(address, prefix);
    if (!masked.network().equals(address) && hostBits == HostBits.REFUSE) {
      return null;
    }
    return masked;
  }

  /** A reason quotes request text: it must be short and free of control characters. */
  static void assertSafe(String reason) {
    assertThat(reason.length()).isLessThan(400);
    assertThat(reason.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as(reason).isTrue();
  }
}
