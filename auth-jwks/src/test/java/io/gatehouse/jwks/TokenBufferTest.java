package io.gatehouse.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.junit.jupiter.api.Test;

/**
 * The one-pass read of a token into its thread's {@link TokenBuffer}: the signing input is read
 * from that buffer only while it still holds this token's bytes, and a character the scan cannot
 * read as ASCII is never taken for base64url.
 */
class TokenBufferTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final OctetSequenceJsonWebKey KEY =
      new OctetSequenceJsonWebKey(new SecretKeySpec(SECRET, "HmacSHA256"));
  private static final int MAX = 64 * 1024;

  private static String b64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String hs256(String payload) throws Exception {
    String input = b64("{\"alg\":\"HS256\"}") + "." + b64(payload);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    return input
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aScannedTokenIsVerifiedFromItsThreadsBufferWithoutACopy() throws Exception {
    String token = hs256("{\"sub\":\"a\"}");
    ParsedJws jws = JwsParser.parse(token, MAX);
    assertThat(jws.signingInputBuffer()).isSameAs(TokenBuffer.mine().ascii);
    assertThat(jws.signingInput())
        .isEqualTo(token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
    JwsVerifier.verify(jws, KEY);
  }

  @Test
  void aTokenPastTheDefaultLengthIsScannedThroughAnArrayOfItsOwnAndVerifies() throws Exception {
    String token = hs256("{\"sub\":\"" + "x".repeat(12_000) + "\"}");
    assertThat(token.length()).isGreaterThan(8 * 1024);
    ParsedJws jws = JwsParser.parse(token, MAX);
    assertThat(jws.signingInputBuffer()).isSameAs(TokenBuffer.mine().ascii);
    JwsVerifier.verify(jws, KEY);
    // A short token after it still verifies, and the thread no longer keeps the long one's bytes.
    JwsVerifier.verify(JwsParser.parse(hs256("{\"sub\":\"a\"}"), MAX), KEY);
    assertThat(TokenBuffer.mine().ascii.length).isLessThanOrEqualTo(8 * 1024);
  }

  @Test
  void aForgedTokenParsedBeforeAGenuineOneOnTheSameThreadIsStillRefused() throws Exception {
    // F takes A's header and signature with another payload of the same length: after A is parsed
    // on the same thread the buffer holds A's signing input, which F must not take for its own.
    String genuine = hs256("{\"sub\":\"alice\"}");
    String other = hs256("{\"sub\":\"mallo\"}");
    String[] a = genuine.split("\\.", -1);
    String[] b = other.split("\\.", -1);
    String forged = a[0] + "." + b[1] + "." + a[2];
    assertThat(b[1]).hasSameSizeAs(a[1]).isNotEqualTo(a[1]);

    ParsedJws forgedJws = JwsParser.parse(forged, MAX);
    JwsVerifier.verify(JwsParser.parse(genuine, MAX), KEY);

    assertThatThrownBy(() -> JwsVerifier.verify(forgedJws, KEY))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void aTokenVerifiedAfterItsThreadParsedAnotherStillVerifiesWithItsOwnBytes() throws Exception {
    String first = hs256("{\"sub\":\"first\"}");
    String second = hs256("{\"sub\":\"second, a longer payload than the first\"}");
    ParsedJws firstJws = JwsParser.parse(first, MAX);
    ParsedJws secondJws = JwsParser.parse(second, MAX);
    // The buffer now holds the second token: the first must not read it as its own.
    JwsVerifier.verify(firstJws, KEY);
    assertThat(firstJws.signingInput())
        .isEqualTo(first.substring(0, first.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
    JwsVerifier.verify(secondJws, KEY);
  }

  @Test
  void aScannedTokensSignatureIsItsOwnAndSurvivesTheThreadsNextToken() throws Exception {
    String token = hs256("{\"sub\":\"a\"}");
    ParsedJws jws = JwsParser.parse(token, MAX);
    byte[] expected = Base64.getUrlDecoder().decode(token.substring(token.lastIndexOf('.') + 1));
    assertThat(jws.signature()).isEqualTo(expected);
    // Another token of the same signature length on the same thread leaves it as it was.
    ParsedJws next = JwsParser.parse(hs256("{\"sub\":\"b\"}"), MAX);
    assertThat(next.signature()).isNotSameAs(jws.signature());
    assertThat(jws.signature()).isEqualTo(expected);
    JwsVerifier.verify(jws, KEY);
    // A signature past any algorithm's length decodes, and does not verify.
    String huge = token.substring(0, token.lastIndexOf('.') + 1) + "A".repeat(4000);
    ParsedJws hugeJws = JwsParser.parse(huge, MAX);
    assertThat(hugeJws.signature()).hasSize(3000).containsOnly((byte) 0);
    assertThatThrownBy(() -> JwsVerifier.verify(hugeJws, KEY)).isInstanceOf(Refusal.class);
    assertThat(JwsParser.parseReference(token, MAX).signature()).isEqualTo(expected);
  }

  @Test
  void aTokenWithAnotherSignatureParsedBeforeTheGenuineOneOnTheSameThreadIsStillRefused()
      throws Exception {
    // F is A's signing input with B's signature (of the same length): after A is parsed on the
    // same thread, the thread's signature array holds A's signature, which F must not take.
    String genuine = hs256("{\"sub\":\"alice\"}");
    String other = hs256("{\"sub\":\"mallo\"}");
    String forged =
        genuine.substring(0, genuine.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
    assertThat(forged).isNotEqualTo(genuine);

    ParsedJws forgedJws = JwsParser.parse(forged, MAX);
    ParsedJws genuineJws = JwsParser.parse(genuine, MAX);

    assertThatThrownBy(() -> JwsVerifier.verify(forgedJws, KEY))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    // And the genuine one, parsed after the forged one, still verifies with its own signature.
    JwsParser.parse(forged, MAX);
    JwsVerifier.verify(genuineJws, KEY);
  }

  @Test
  void aTokenVerifiedOnAnotherThreadReadsItsOwnBytes() throws Exception {
    // As after an asynchronous key lookup: parsed here, verified on a thread that parsed another.
    String token = hs256("{\"sub\":\"here\"}");
    ParsedJws jws = JwsParser.parse(token, MAX);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture.runAsync(
              () -> {
                try {
                  JwsParser.parse(hs256("{\"sub\":\"there, on the other thread\"}"), MAX);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              other)
          .join();
      CompletableFuture.runAsync(
              () -> {
                try {
                  JwsVerifier.verify(jws, KEY);
                } catch (Refusal refusal) {
                  throw new IllegalStateException(refusal.detail());
                }
              },
              other)
          .join();
    } finally {
      other.shutdownNow();
    }
  }

  static String hs256(String header, String payload) throws Exception {
    String input = b64(header) + "." + b64(payload);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    return input
        + "."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aRepeatedHeaderIsReadOnceAndAnyOtherHeaderIsReadAndInspectedAgain() throws Exception {
    String header = "{\"alg\":\"HS256\",\"kid\":\"k1\"}";
    ParsedJws first = JwsParser.parse(hs256(header, "{\"sub\":\"a\"}"), MAX);
    ParsedJws second = JwsParser.parse(hs256(header, "{\"sub\":\"b\"}"), MAX);
    // The same header text: the same inspected header, not read again.
    assertThat(second.header()).isSameAs(first.header());
    assertThat(second.kid()).isEqualTo("k1");
    ParsedJws other =
        JwsParser.parse(hs256("{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{\"sub\":\"c\"}"), MAX);
    assertThat(other.kid()).isEqualTo("k2");
    assertThat(other.header()).isNotSameAs(first.header());
    // A header refused after a kept one is refused, and does not replace it.
    assertThatThrownBy(
            () -> JwsParser.parse(hs256("{\"alg\":\"HS256\",\"jku\":\"https://x\"}", "{}"), MAX))
        .isInstanceOfSatisfying(
            Refusal.class,
            r ->
                assertThat(r.detail())
                    .isEqualTo("header parameter 'jku' is not accepted: keys are configured"));
    assertThat(JwsParser.parse(hs256("{\"alg\":\"HS256\",\"kid\":\"k2\"}", "{}"), MAX).header())
        .isSameAs(other.header());
    // The same header with no signature is still refused for that.
    String unsigned = hs256(header, "{}");
    assertThatThrownBy(
            () -> JwsParser.parse(unsigned.substring(0, unsigned.lastIndexOf('.') + 1), MAX))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.detail()).isEqualTo("the token has no signature"));
  }

  @Test
  void aCharacterBeyondLatin1WhoseLowByteIsBase64IsRefusedOnBothPaths() throws Exception {
    String token = hs256("{\"sub\":\"a\"}");
    int at = token.indexOf('.') + 2;
    // U+0100 more than a base64url character: its low byte is that character.
    String wide =
        token.substring(0, at) + (char) (token.charAt(at) + 0x100) + token.substring(at + 1);
    for (boolean reference : new boolean[] {false, true}) {
      assertThatThrownBy(() -> JwsParser.parse(wide, 0, wide.length(), MAX, reference))
          .isInstanceOfSatisfying(
              Refusal.class,
              r -> {
                assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
                assertThat(r.detail()).isEqualTo("payload is not base64url");
              });
    }
    String latin1 = token.substring(0, at) + 'é' + token.substring(at + 1);
    assertThatThrownBy(() -> JwsParser.parse(latin1, MAX))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.detail()).isEqualTo("payload is not base64url"));
  }

  @Test
  void aNonCanonicalOrMisshapenTokenGetsTheSameDetailAsTheCharacterChecks() throws Exception {
    String token = hs256("{\"sub\":\"ab\"}");
    String[] bad = {
      token + ".x",
      token.replace('.', '!'),
      token.substring(0, token.indexOf('.')),
      token.substring(0, token.length() - 1) + "B",
      token.substring(0, token.length() - 2),
      "." + token,
      token + ".a.b"
    };
    for (String text : bad) {
      String fast = detail(text, false);
      assertThat(fast).as(text).isEqualTo(detail(text, true)).isNotEqualTo("parsed");
    }
  }

  @Test
  void aBadCharacterOrASetUnusedBitInAnyPartGetsTheSameDetailAsTheCharacterChecks()
      throws Exception {
    // Each part's length leaves unused bits in its last character: 34, 18 and 43 characters.
    String header = "{\"alg\":\"HS256\",\"kid\":\"k\"}";
    String token = hs256(header, "{\"sub\":\"abc\"}");
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    int[][] parts = {{0, first}, {first + 1, second}, {second + 1, token.length()}};
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int unusedChecked = 0;
    for (int[] part : parts) {
      // The genuine token first, so its header is the thread's kept one when the bad one comes.
      assertThat(detail(token, false)).isEqualTo("parsed");
      for (char bad : new char[] {'+', '/', '=', '*', ' ', (char) 0x7f}) {
        for (int at : new int[] {part[0], part[1] - 1}) {
          String text = token.substring(0, at) + bad + token.substring(at + 1);
          assertThat(detail(text, false)).as(text).isEqualTo(detail(text, true));
          assertThat(detail(text, false)).startsWith("MALFORMED ");
        }
      }
      int length = part[1] - part[0];
      if (length % 4 != 0) {
        char last = token.charAt(part[1] - 1);
        // The next character of the alphabet differs in the lowest bit, an unused one.
        char set = alphabet.charAt(alphabet.indexOf(last) + 1);
        String text = token.substring(0, part[1] - 1) + set + token.substring(part[1]);
        assertThat(detail(text, false))
            .as(text)
            .isEqualTo(detail(text, true))
            .contains("canonical");
        unusedChecked++;
      }
      // Beyond ASCII, in a header whose bytes are otherwise the kept one's.
      String wide =
          token.substring(0, part[0])
              + (char) (token.charAt(part[0]) + 0x100)
              + token.substring(part[0] + 1);
      assertThat(detail(wide, false)).isEqualTo(detail(wide, true)).startsWith("MALFORMED ");
    }
    assertThat(unusedChecked).isEqualTo(3);
  }

  private static String detail(String text, boolean reference) {
    try {
      JwsParser.parse(text, 0, text.length(), MAX, reference);
      return "parsed";
    } catch (Refusal refusal) {
      return refusal.reason() + " " + refusal.detail();
    }
  }
}
