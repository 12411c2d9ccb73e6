package io.gatehouse.jwks;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One thread's buffers for reading a compact JWS: its characters (copied out of the header's text
 * in one call) and its bytes, whose first part up to the second dot is the signing input the {@code
 * Mac} or {@code Signature} reads, and whose parts the JDK's decoder reads. Reused for every token
 * the thread parses; {@link #generation} tells a parsed token whether the bytes are still its own.
 */
final class TokenBuffer {
  private static final ThreadLocal<TokenBuffer> MINE = ThreadLocal.withInitial(TokenBuffer::new);

  private char[] chars = new char[1024];

  /** This thread's Latin-1 encoder (an encoder is not thread-safe): copies characters as bytes. */
  private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();

  /** The last token's ASCII bytes (scanned or filled); valid up to the length it was given. */
  byte[] ascii = new byte[1024];

  /** Buffer views of {@link #chars} and {@link #ascii}, for the encoder and the decoder. */
  private CharBuffer charView = CharBuffer.wrap(chars);

  private ByteBuffer byteView = ByteBuffer.wrap(ascii);

  /**
   * Bumped each time {@link #ascii} is written: a token holding an older number must refill. A
   * long, so it cannot wrap back to a waiting token's number.
   */
  long generation;

  /** Where the last scanned token's dots are, from its start. */
  int first;

  int second;

  /** The text (base64url, as ASCII) of the last header read on this thread, and what it gave. */
  private byte[] headerText = new byte[0];

  private JwsParser.@Nullable Header header;

  /** The longest token whose characters go through the kept array: the default length limit. */
  private static final int KEPT_CHARS = 8 * 1024;

  /** Longer headers are read every time rather than kept. */
  private static final int MAX_KEPT_HEADER = 1024;

  private TokenBuffer() {}

  /**
   * The inspected header of the last scanned token when this one's header text, {@code ascii[0,
   * length)}, is the same; else null.
   */
  JwsParser.@Nullable Header sameHeader(int length) {
    JwsParser.Header last = header;
    return last != null
            && java.util.Arrays.equals(headerText, 0, headerText.length, ascii, 0, length)
        ? last
        : null;
  }

  /** Keeps {@code inspected}, the header whose text is {@code ascii[0, length)}. */
  void rememberHeader(int length, JwsParser.Header inspected) {
    if (length <= MAX_KEPT_HEADER) {
      headerText = java.util.Arrays.copyOf(ascii, length);
      header = inspected;
    }
  }

  /** This thread's buffer. */
  static TokenBuffer mine() {
    return MINE.get();
  }

  /**
   * Copies {@code text[from, to)} into {@link #ascii}; true when it is Latin-1, holds exactly two
   * dots and no padding. Each part's length, alphabet and the unused bits of its last character are
   * checked as it decodes ({@link JwsParser}); a false here, or a failed decode there, sends the
   * caller to the checks on the text itself, which say what is wrong.
   */
  boolean scan(String text, int from, int to) {
    // String.indexOf is the JDK's vectorised search: the dots cost no pass of ours.
    int dot1 = text.indexOf('.', from);
    int dot2 = dot1 < 0 || dot1 >= to ? -1 : text.indexOf('.', dot1 + 1);
    if (dot2 < 0 || dot2 >= to) {
      return false;
    }
    int dot3 = text.indexOf('.', dot2 + 1);
    if (dot3 >= 0 && dot3 < to) {
      return false;
    }
    // Canonical base64url has no padding, which the JDK's decoder would take.
    int padding = text.indexOf('=', from);
    if (padding >= 0 && padding < to) {
      return false;
    }
    int length = to - from;
    byte[] out = ascii(length);
    char[] in = charsFor(length);
    text.getChars(from, to, in, 0);
    // The JDK's Latin-1 encoder copies the characters as bytes in vectorised steps and stops at
    // the first one past Latin-1 (whose low byte could pass for base64url). A Latin-1 character
    // past ASCII is copied, and refused by the alphabet as the part it is in decodes.
    latin1.reset();
    CoderResult copied = latin1.encode(charView(in, length), byteView(out, length), true);
    if (!copied.isUnderflow()) {
      return false;
    }
    first = dot1 - from;
    second = dot2 - from;
    return true;
  }

  /** {@code in[0, length)} as a buffer: the thread's view of its array, or a new one. */
  private CharBuffer charView(char[] in, int length) {
    if (charView.array() != in) {
      charView = CharBuffer.wrap(in);
    }
    charView.clear().limit(length);
    return charView;
  }

  /** {@code out[0, length)} as a buffer: the thread's view of its array, or a new one. */
  private ByteBuffer byteView(byte[] out, int length) {
    if (byteView.array() != out) {
      byteView = ByteBuffer.wrap(out);
    }
    byteView.clear().limit(length);
    return byteView;
  }

  /** Bytes {@code [from, to)} of {@link #ascii} as a buffer (the thread's view), to decode. */
  ByteBuffer part(int from, int to) {
    ByteBuffer view = byteView(ascii, to);
    view.position(from);
    return view;
  }

  /** An array for {@code length} characters: the thread's, or for a long token its own. */
  private char[] charsFor(int length) {
    if (length > KEPT_CHARS) {
      // A token past the default length limit (the limit can be raised to a million characters):
      // read through an array of its own, so no thread keeps one that large.
      return new char[length];
    }
    if (chars.length < length) {
      chars = new char[Math.max(length, Math.min(KEPT_CHARS, chars.length * 2))];
    }
    return chars;
  }

  /**
   * {@link #ascii}, at least {@code length} bytes long, for new contents: the generation moves on,
   * so a token parsed earlier on this thread no longer takes these bytes for its own.
   */
  byte[] ascii(int length) {
    generation++;
    // Grown for a long token, shrunk back at the next token of the usual length: no thread keeps
    // more than the default length limit for long (the limit can be raised to a million).
    if (ascii.length < length || (ascii.length > KEPT_CHARS && length <= KEPT_CHARS)) {
      ascii = new byte[Math.max(length, Math.min(KEPT_CHARS, ascii.length * 2))];
    }
    return ascii;
  }
}
