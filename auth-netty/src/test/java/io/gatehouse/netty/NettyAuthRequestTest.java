package io.gatehouse.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The {@link io.gatehouse.core.AuthRequest} view of a Netty request head. */
class NettyAuthRequestTest {

  private static NettyAuthRequest request(String uri) {
    return Objects.requireNonNull(
        NettyAuthRequest.of(
            new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri),
            new InetSocketAddress("192.0.2.1", 1234)),
        uri);
  }

  @Test
  void pathIsDecodedButTheQueryIsLeftRaw() {
    NettyAuthRequest request = request("/a%20b//c?x=%20y&z#frag");
    assertThat(request.path()).isEqualTo("/a b/c");
    assertThat(request.rawQuery()).isEqualTo("x=%20y&z");
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.remoteAddress().getPort()).isEqualTo(1234);
    assertThat(request.toString()).doesNotContain("x=");
  }

  @Test
  void absoluteFormAndOddTargetsGetAnOriginPath() {
    assertThat(request("http://example.com/p/q?r").path()).isEqualTo("/p/q");
    assertThat(request("http://example.com").path()).isEqualTo("/");
    assertThat(request("*").path()).isEqualTo("*");
    assertThat(request("").path()).isEqualTo("/");
    assertThat(request("/plain").rawQuery()).isNull();
  }

  @Test
  void anAmbiguousPathGetsNoView() {
    assertThat(
            NettyAuthRequest.of(
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a/../ops"), null))
        .isNull();
  }

  @Test
  void nonIpPeerCountsAsLocal() {
    NettyAuthRequest request =
        NettyAuthRequest.of(
            new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), null);
    assertThat(request).isNotNull();
    assertThat(request.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
  }

  @Property(tries = 200)
  void everyHeaderLineIsSeenInOrderWhateverTheNameCase(
      @ForAll @AlphaChars @StringLength(min = 1, max = 12) String name,
      @ForAll @Size(min = 0, max = 5) List<@AlphaChars @StringLength(max = 8) String> values) {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String casing = i % 2 == 0 ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
      head.headers().add(casing, values.get(i));
      sent.add(values.get(i));
    }
    NettyAuthRequest request = Objects.requireNonNull(NettyAuthRequest.of(head, null));

    assertThat(request.headers(name)).containsExactlyElementsOf(sent);
    assertThat(request.header(name.toUpperCase(Locale.ROOT)))
        .isEqualTo(sent.isEmpty() ? null : sent.get(0));
  }
}
