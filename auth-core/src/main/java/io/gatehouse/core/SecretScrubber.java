package io.gatehouse.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The last line of defence for "the trace holds no secret": every credential header value (and the
 * credential part of {@code Authorization: <scheme> <credential>}) is replaced wherever a stage's
 * message happens to quote it.
 */
final class SecretScrubber {
  private SecretScrubber() {}

  static Decision scrub(Decision decision, AuthRequest request, List<String> secretHeaders) {
    List<String> secrets = secretsOf(request, secretHeaders);
    if (secrets.isEmpty()) {
      return decision;
    }
    boolean changed = false;
    List<Step> trace = new ArrayList<>(decision.trace().size());
    for (Step step : decision.trace()) {
      String detail = Redact.scrub(step.detail(), secrets);
      changed |= !detail.equals(step.detail());
      trace.add(
          detail.equals(step.detail())
              ? step
              : new Step(step.stage(), step.result(), detail, step.nanos()));
    }
    String detail = Redact.scrub(decision.detail(), secrets);
    List<Challenge> challenges = new ArrayList<>();
    for (Challenge challenge : decision.challenges()) {
      Challenge clean = challenge;
      for (var param : challenge.params().entrySet()) {
        String value = Redact.scrub(param.getValue(), secrets);
        if (!value.equals(param.getValue())) {
          clean = clean.with(param.getKey(), value);
          changed = true;
        }
      }
      challenges.add(clean);
    }
    if (!changed && detail.equals(decision.detail())) {
      return decision;
    }
    return new Decision(
        decision.allowed(),
        decision.status(),
        decision.identity(),
        decision.reason(),
        detail,
        challenges,
        decision.retryAfter(),
        decision.space(),
        decision.clientAddress(),
        trace,
        decision.rateLimit());
  }

  private static List<String> secretsOf(AuthRequest request, List<String> secretHeaders) {
    List<String> secrets = new ArrayList<>(2);
    for (String name : secretHeaders) {
      for (String value : request.headers(name)) {
        String trimmed = value.trim();
        secrets.add(trimmed);
        int space = trimmed.indexOf(' ');
        if (space > 0) {
          secrets.add(trimmed.substring(space + 1).trim());
        }
      }
    }
    // Longest first, so a whole header value is replaced before its credential part.
    secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
    return secrets;
  }
}
