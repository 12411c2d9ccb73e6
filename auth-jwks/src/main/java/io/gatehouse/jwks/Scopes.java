package io.gatehouse.jwks;

import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.Redact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Reads the scopes of a verified token, strictly: a scope claim that is not a space-separated
 * string or an array of strings, a scope with a character RFC 6749 (section 3.3) does not allow
 * ({@code %x21 / %x23-5B / %x5D-7E}: printable ASCII but space, {@code "} and {@code \}), one
 * longer than {@value ClaimMapping#MAX_SCOPE_LENGTH} characters, or more than {@value
 * ClaimMapping#MAX_SCOPES} distinct scopes refuses the token as {@link Reason#BAD_CLAIMS}. Nothing
 * is dropped silently: an IdP that sends such scopes is misconfigured or forged, and a partial
 * grant would hide that.
 */
final class Scopes {
  private Scopes() {}

  /** The scopes in {@code names}' claims, each once, sorted; absent claims give none. */
  static Set<String> of(Claims claims, List<String> names) throws Refusal {
    if (claims instanceof ScannedClaims scanned) {
      int only = onlyPresent(scanned, names);
      if (only == NONE_PRESENT) {
        return Set.of();
      }
      if (only >= 0) {
        return ofOnlyClaim(scanned, names.get(only), names);
      }
    }
    return collected(claims, names);
  }

  private static final int NONE_PRESENT = -1;
  private static final int SEVERAL_PRESENT = -2;

  /** The index of the only claim of {@code names} the token has, or one of the two above. */
  private static int onlyPresent(ScannedClaims claims, List<String> names) {
    int only = NONE_PRESENT;
    for (int n = 0; n < names.size(); n++) {
      if (claims.has(names.get(n))) {
        if (only != NONE_PRESENT) {
          return SEVERAL_PRESENT;
        }
        only = n;
      }
    }
    return only;
  }

  /** The longest scope text kept for the next token. */
  private static final int MAX_KEPT_TEXT = 1024;

  /**
   * This thread's last scope text (plain ASCII, the only scope claim of its token) and the scopes
   * it gave: the tokens of one client carry the same scope text, which then is neither split,
   * checked nor sorted again. The set is immutable, so identities share it.
   */
  private static final class LastText {
    String claim = "";
    byte[] text = new byte[0];
    Set<String> scopes = Set.of();
  }

  private static final ThreadLocal<LastText> LAST = ThreadLocal.withInitial(LastText::new);

  /** The scopes of a token whose only scope claim is {@code name}. */
  private static Set<String> ofOnlyClaim(ScannedClaims claims, String name, List<String> names)
      throws Refusal {
    LastText last = LAST.get();
    if (last.claim.equals(name) && sameText(claims, name, last.text)) {
      return last.scopes;
    }
    int from = claims.plainAsciiText(name);
    if (from < 0) {
      return collected(claims, names);
    }
    byte[] json = claims.json;
    int to = from;
    while (json[to] != '"') {
      to++;
    }
    // Read as any other: a text that is refused is never kept.
    Set<String> scopes = collected(claims, names);
    if (to - from <= MAX_KEPT_TEXT) {
      last.claim = name;
      last.text = Arrays.copyOfRange(json, from, to);
      last.scopes = scopes;
    }
    return scopes;
  }

  /**
   * Whether string claim {@code name} is exactly {@code text}, a kept scope text: plain ASCII with
   * no quote and no backslash, so when its bytes are followed by a quote, that quote ends the
   * string (it cannot be escaped) and the claim is that text.
   */
  private static boolean sameText(ScannedClaims claims, String name, byte[] text) {
    int start = claims.valueStart(name);
    if (claims.kind(start) != '"') {
      return false;
    }
    byte[] json = claims.json;
    int from = start + 1;
    int to = from + text.length;
    return to < json.length
        && json[to] == '"'
        && Arrays.equals(text, 0, text.length, json, from, to);
  }

  /** Reads every claim of {@code names}. */
  private static Set<String> collected(Claims claims, List<String> names) throws Refusal {
    // Each once, in this thread's list (at most MAX_SCOPES, so a linear check is cheap); then
    // sorted into the set the identity keeps as it is, which copies them out of the list.
    List<String> out = COLLECTED.get();
    out.clear();
    try {
      collect(claims, names, out);
      return out.isEmpty() ? Set.of() : Identity.sortedPermissions(out);
    } finally {
      out.clear();
    }
  }

  private static final ThreadLocal<List<String>> COLLECTED =
      ThreadLocal.withInitial(() -> new ArrayList<>(ClaimMapping.MAX_SCOPES + 1));

  private static void collect(Claims claims, List<String> names, List<String> out) throws Refusal {
    for (int n = 0; n < names.size(); n++) {
      String name = names.get(n);
      if (claims instanceof ScannedClaims scanned && splitPlain(scanned, name, out)) {
        continue;
      }
      Object value = claims.value(name);
      if (value == null) {
        continue;
      }
      if (value instanceof String text) {
        // Runs of spaces separate as one: an empty token names no scope.
        int start = 0;
        while (start <= text.length()) {
          int space = text.indexOf(' ', start);
          int stop = space < 0 ? text.length() : space;
          if (stop > start) {
            add(out, text.substring(start, stop), name);
          }
          start = stop + 1;
        }
      } else if (value instanceof Collection<?> items) {
        for (Object item : items) {
          if (!(item instanceof String scope)) {
            throw new Refusal(
                Reason.BAD_CLAIMS,
                "scope claim '" + name + "' holds an entry that is not a string");
          }
          add(out, scope, name);
        }
      } else {
        throw new Refusal(
            Reason.BAD_CLAIMS,
            "scope claim '"
                + name
                + "' is neither a space-separated string nor an array of strings");
      }
    }
  }

  /**
   * Splits a scanned space-separated scope string of plain ASCII straight from the token's bytes,
   * as the string path below would split its text (no copy of the whole string); false when the
   * claim is not such a string, for the usual path to read.
   */
  private static boolean splitPlain(ScannedClaims claims, String name, List<String> out)
      throws Refusal {
    int from = claims.plainAsciiText(name);
    if (from < 0) {
      return false;
    }
    byte[] json = claims.json;
    int start = from;
    while (true) {
      int stop = start;
      while (json[stop] != ' ' && json[stop] != '"') {
        stop++;
      }
      if (stop > start) {
        add(out, TokenJson.plain(json, start, stop - start), name);
      }
      if (json[stop] == '"') {
        return true;
      }
      start = stop + 1;
    }
  }

  private static void add(List<String> out, String scope, String claim) throws Refusal {
    if (scope.isEmpty() || scope.length() > ClaimMapping.MAX_SCOPE_LENGTH) {
      throw new Refusal(
          Reason.BAD_CLAIMS,
          "scope claim '"
              + claim
              + "' holds a scope of "
              + scope.length()
              + " characters (1-"
              + ClaimMapping.MAX_SCOPE_LENGTH
              + " allowed)");
    }
    for (int i = 0; i < scope.length(); i++) {
      if (!isScopeChar(scope.charAt(i))) {
        throw new Refusal(
            Reason.BAD_CLAIMS,
            "scope claim '"
                + claim
                + "' holds '"
                + Redact.safe(scope)
                + "', with a character RFC 6749 does not allow in a scope");
      }
    }
    if (out.contains(scope)) {
      return;
    }
    out.add(scope);
    if (out.size() > ClaimMapping.MAX_SCOPES) {
      throw new Refusal(
          Reason.BAD_CLAIMS, "the token holds more than " + ClaimMapping.MAX_SCOPES + " scopes");
    }
  }

  /** RFC 6749 scope-token: {@code %x21 / %x23-5B / %x5D-7E}. */
  static boolean isScopeChar(char c) {
    return c >= 0x21 && c <= 0x7e && c != '"' && c != '\\';
  }
}
