package io.gatehouse.ipfilter;

import java.util.Locale;
import java.util.Objects;

/**
 * One allow or deny rule. Its {@link #toString()} ({@code deny 10.1.2.3/32}) is what traces show.
 *
 * @param action allow or deny
 * @param cidr the block the rule covers
 */
public record IpRule(Action action, Cidr cidr) {

  /** What a matching rule does. */
  public enum Action {
    ALLOW,
    DENY
  }

  public IpRule {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(cidr, "cidr");
  }

  public boolean allows() {
    return action == Action.ALLOW;
  }

  @Override
  public String toString() {
    return action.name().toLowerCase(Locale.ROOT) + " " + cidr;
  }
}
