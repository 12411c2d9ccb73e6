package io.gatehouse.examples;

import io.gatehouse.apikey.TokenStores;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Refusal;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** What both example servers share: where the store is, the answer, the start-up banner. */
public final class Demo {
  /**
   * The store: an H2 file in {@code ./.gatehouse/}, the folder {@code ./gatehouse} uses by default,
   * so the CLI run from the same directory changes the running example.
   */
  public static final Path STORE = Path.of(".gatehouse");

  private Demo() {}

  /** The JSON the example apps answer with: who called, with which access, from where. */
  public static String whoAmI(Identity identity, @Nullable InetAddress client) {
    StringBuilder json = new StringBuilder("{\"subject\":");
    Refusal.appendString(json, identity.subject());
    json.append(",\"access\":");
    Refusal.appendString(json, identity.access().name());
    json.append(",\"space\":");
    Refusal.appendString(json, identity.space());
    json.append(",\"client\":");
    if (client == null) {
      json.append("null");
    } else {
      Refusal.appendString(json, client.getHostAddress());
    }
    return json.append('}').toString();
  }

  /** The port from {@code args[0]}, else {@code otherwise}. */
  static int port(String[] args, int otherwise) {
    return args.length > 0 ? Integer.parseInt(args[0]) : otherwise;
  }

  /** Where the example listens, and what to paste into another terminal next. */
  static void printNextSteps(
      PrintStream out, String server, Path store, int port, boolean console) {
    Path directory = store.toAbsolutePath().normalize();
    String gatehouse = "./gatehouse --store " + directory;
    String me = "http://localhost:" + port + "/api/me";
    out.printf("%s on http://localhost:%d/ (space 'dev')%n", server, port);
    out.printf("Store: %s%n", TokenStores.h2Url(directory));
    out.printf("In another terminal, from the repository root:%n%n");
    out.printf("  # a READ_WRITE token, shown once (--readonly for a READ one):%n");
    out.printf("  %s add-token%n", gatehouse);
    out.printf("  # 200 with it, 401 without:%n");
    out.printf("  curl -i -H 'x-apikey: ghk_...' %s%n", me);
    out.printf("  curl -i %s%n", me);
    out.printf("  # allow only 192.0.2.0/24: within 2 s the call above gets 403 address_denied%n");
    out.printf("  %s whitelist 192.0.2.0/24%n", gatehouse);
    out.printf("  %s whitelist --remove 192.0.2.0/24%n%n", gatehouse);
    if (console) {
      out.printf(
          "Console: http://localhost:%d/_admin/ (sign in with a token from"
              + " %s add-admintoken --ops manage)%n",
          port, gatehouse);
    } else {
      out.printf("No console here: it is a servlet; the Jetty example mounts it.%n");
    }
    out.printf("Press Ctrl-C to stop.%n");
  }
}
