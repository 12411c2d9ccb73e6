package io.gatehouse.examples;

import io.gatehouse.core.Access;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Refusal;
import io.gatehouse.core.SpaceResolver;
import java.net.InetAddress;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The pipeline and the answer both example servers share. */
public final class Demo {
  /** May read only. */
  public static final String READ_TOKEN = "demo-read-token-0123456789";

  /** May read and write (within office hours), and holds the {@code deploy} permission. */
  public static final String WRITE_TOKEN = "demo-write-token-0123456789";

  private Demo() {}

  /** Tokens in {@code x-apikey}, then the office-hours hook (Europe/Paris, 08:00-18:00). */
  public static Gatehouse gatehouse(Clock clock) {
    InMemoryTokens tokens =
        new InMemoryTokens("x-apikey", "demo")
            .add(
                READ_TOKEN,
                Identity.builder("reader", "tokens", SpaceResolver.DEFAULT_SPACE)
                    .access(Access.READ)
                    .build())
            .add(
                WRITE_TOKEN,
                Identity.builder("writer", "tokens", SpaceResolver.DEFAULT_SPACE)
                    .access(Access.READ_WRITE)
                    .permissions(Set.of("deploy"))
                    .build());
    return Gatehouse.builder()
        .clock(clock)
        .authenticator(tokens)
        .hook(
            new OfficeHoursHook(ZoneId.of("Europe/Paris"), LocalTime.of(8, 0), LocalTime.of(18, 0)))
        .build();
  }

  /** The JSON the example apps answer with: who called, with which access, from where. */
  public static String whoAmI(Identity identity, @Nullable InetAddress client) {
    StringBuilder json = new StringBuilder("{\"subject\":");
    Refusal.appendString(json, identity.subject());
    json.append(",\"access\":");
    Refusal.appendString(json, identity.access().name());
    json.append(",\"permissions\":[");
    String separator = "";
    for (String permission : identity.permissions()) {
      json.append(separator);
      Refusal.appendString(json, permission);
      separator = ",";
    }
    json.append("],\"client\":");
    if (client == null) {
      json.append("null");
    } else {
      Refusal.appendString(json, client.getHostAddress());
    }
    return json.append('}').toString();
  }

  /** The port from {@code args[0]}, or 8080. */
  static int port(String[] args) {
    return args.length > 0 ? Integer.parseInt(args[0]) : 8080;
  }

  static void printUsage(String server, int port) {
    System.out.printf(
        "%s listening on http://localhost:%d/%n"
            + "  curl -H 'x-apikey: %s' http://localhost:%d/api/me%n"
            + "  curl -i http://localhost:%d/api/me      # 401%n",
        server, port, READ_TOKEN, port, port);
  }
}
