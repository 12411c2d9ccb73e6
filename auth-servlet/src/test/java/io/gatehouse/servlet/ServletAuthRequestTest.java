package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The container's peer address becomes an {@link InetSocketAddress} without any DNS. */
class ServletAuthRequestTest {

  @Test
  void ipLiteralsAreParsed() {
    assertThat(ServletAuthRequest.socketAddress("192.0.2.7", 4000).getAddress().getHostAddress())
        .isEqualTo("192.0.2.7");
    assertThat(ServletAuthRequest.socketAddress("[2001:db8::1]", 1).getAddress().getHostAddress())
        .isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(ServletAuthRequest.socketAddress("::1", 1).getAddress().isLoopbackAddress())
        .isTrue();
  }

  @Test
  void namesAndMalformedLiteralsStayUnresolved() {
    for (String bad :
        new String[] {
          "localhost", "example.com", "cafe", "1.2.3", "01.2.3.4", "256.1.1.1", "::g", ""
        }) {
      assertThat(ServletAuthRequest.socketAddress(bad, 80).getAddress()).as(bad).isNull();
    }
    assertThat(ServletAuthRequest.socketAddress(null, 80).getAddress()).isNull();
  }

  @Property
  void anyLetterStringIsNeverLookedUp(@ForAll @StringLength(min = 1, max = 30) String text) {
    InetSocketAddress address = ServletAuthRequest.socketAddress(text, 80);
    // Resolved only when the text really is an IP literal (then it parses back to itself).
    if (address.getAddress() != null) {
      assertThat(text.indexOf(':') >= 0 || text.matches("[0-9.]+")).isTrue();
    }
  }
}
