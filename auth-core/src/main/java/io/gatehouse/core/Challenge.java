package io.gatehouse.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code WWW-Authenticate} challenge (RFC 9110 section 11.6.1, RFC 6750 section 3), e.g. {@code
 * Bearer realm="api", error="invalid_token"}. Parameters keep their insertion order.
 */
public record Challenge(String scheme, Map<String, String> params) {

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public Challenge {
    Objects.requireNonNull(scheme, "scheme");
    if (!TOKEN.matcher(scheme).matches()) {
      throw new IllegalArgumentException("challenge scheme is not an HTTP token: '" + scheme + "'");
    }
    for (String name : params.keySet()) {
      if (!TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "challenge parameter is not an HTTP token: '" + name + "'");
      }
    }
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** {@code Bearer realm="<realm>"} (RFC 6750). */
  public static Challenge bearer(String realm) {
    return new Challenge("Bearer", Map.of("realm", realm));
  }

  /**
   * A challenge for a token sent in a header, e.g. {@code ApiKey realm="api", header="x-apikey"}.
   */
  public static Challenge apiKey(String realm, String headerName) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("realm", realm);
    params.put("header", headerName);
    return new Challenge("ApiKey", params);
  }

  /** This challenge with one more (or replaced) parameter. */
  public Challenge with(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(params);
    copy.put(name, value);
    return new Challenge(scheme, copy);
  }

  /**
   * This challenge carrying the RFC 6750 {@code error} for {@code reason} and a description;
   * unchanged when the reason has no RFC 6750 error code.
   */
  public Challenge withError(Reason reason, String description) {
    String error = reason.bearerError();
    if (error == null) {
      return this;
    }
    return with("error", error).with("error_description", description);
  }

  /** The header value: scheme then comma-separated {@code name="value"} pairs. */
  public String render() {
    StringBuilder out = new StringBuilder(scheme);
    String separator = " ";
    for (Map.Entry<String, String> param : params.entrySet()) {
      out.append(separator).append(param.getKey()).append("=\"");
      appendQuoted(out, param.getValue());
      out.append('"');
      separator = ", ";
    }
    return out.toString();
  }

  private static void appendQuoted(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        // Header values are ASCII; control characters would allow header injection.
        out.append('?');
      }
    }
  }

  @Override
  public String toString() {
    return render();
  }
}
