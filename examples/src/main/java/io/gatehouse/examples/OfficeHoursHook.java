package io.gatehouse.examples;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthContext;
import io.gatehouse.core.AuthHook;
import io.gatehouse.core.HookResult;
import io.gatehouse.core.Identity;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A custom authhook: writes (any method but GET, HEAD, OPTIONS) are allowed only on weekdays
 * between {@code opens} and {@code closes} in {@code zone}; reads are always allowed. Time comes
 * from the decision's own clock ({@link AuthContext#now()}), so tests fix it with a {@code Clock}.
 */
public final class OfficeHoursHook implements AuthHook {
  private final ZoneId zone;
  private final LocalTime opens;
  private final LocalTime closes;

  public OfficeHoursHook(ZoneId zone, LocalTime opens, LocalTime closes) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.opens = Objects.requireNonNull(opens, "opens");
    this.closes = Objects.requireNonNull(closes, "closes");
    if (!opens.isBefore(closes)) {
      throw new IllegalArgumentException(
          "office hours must open before they close, got " + opens + "-" + closes);
    }
  }

  @Override
  public String id() {
    return "office-hours";
  }

  @Override
  public CompletionStage<HookResult> apply(AuthContext context, @Nullable Identity identity) {
    if (Access.isSafeMethod(context.request().method())) {
      return HookResult.proceed().completed();
    }
    ZonedDateTime local = context.now().atZone(zone);
    boolean weekday =
        local.getDayOfWeek() != DayOfWeek.SATURDAY && local.getDayOfWeek() != DayOfWeek.SUNDAY;
    LocalTime time = local.toLocalTime();
    if (weekday && !time.isBefore(opens) && time.isBefore(closes)) {
      return HookResult.proceed().completed();
    }
    return HookResult.deny(
            "writes are allowed on weekdays between " + opens + " and " + closes + " " + zone)
        .completed();
  }
}
