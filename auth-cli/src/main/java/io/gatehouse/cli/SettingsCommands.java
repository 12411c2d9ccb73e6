package io.gatehouse.cli;

import io.gatehouse.admin.Management;
import io.gatehouse.admin.SpaceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The space settings commands: jwks, jwt-secret, whitelist, denylist, trust-proxy. */
final class SettingsCommands {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SettingsCommands() {}

  @Command(
      name = "jwks",
      mixinStandardHelpOptions = true,
      description = {
        "Trust JWTs (Authorization: Bearer) from an issuer whose public keys are at a JWKS URL.",
        "Without a URL, lists the space's issuers."
      })
  static final class Jwks implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(
        arity = "0..1",
        paramLabel = "URL",
        description = "https://... (http only for localhost, 127.x.y.z and [::1])")
    @Nullable String url;

    @Option(
        names = "--issuer",
        paramLabel = "ISS",
        description =
            "The exact 'iss' of the tokens. Default: the URL's origin, e.g. https://idp.example")
    @Nullable String issuer;

    @Option(
        names = "--audience",
        split = ",",
        paramLabel = "AUD",
        description = "Required: accept only tokens whose 'aud' names one of these")
    List<String> audiences = new ArrayList<>();

    @Option(
        names = "--any-audience",
        description =
            "Instead of --audience: accept tokens the IdP minted for any client (not recommended)")
    boolean anyAudience;

    @Option(
        names = "--alg",
        split = ",",
        paramLabel = "ALG",
        description =
            "Narrow the accepted algorithms, e.g. RS256,ES256. Default: each JWKS key's own"
                + " declared alg (RS256 for a key without one)")
    List<String> algorithms = new ArrayList<>();

    @Option(names = "--remove", paramLabel = "ISS", description = "Stop trusting this issuer")
    @Nullable String remove;

    @Override
    public Integer call() {
      try (Management management = root.management()) {
        if (remove != null) {
          if (url != null) {
            throw CliException.usage("give a URL to add or --remove ISS, not both");
          }
          SpaceConfig config = management.removeIssuer(remove);
          root.out().println("Removed issuer '" + remove + "' from " + root.target(config));
          return Main.EXIT_OK;
        }
        if (url == null) {
          list(root, management.settings());
          return Main.EXIT_OK;
        }
        requireAudienceChoice(audiences, anyAudience);
        String iss = issuer != null ? issuer : origin(url);
        SpaceConfig.Issuer entry =
            SpaceConfig.Issuer.jwks(iss, url, audiences, anyAudience, upper(algorithms));
        SpaceConfig config = management.setIssuer(entry);
        root.out().println("Set JWKS url to space '" + config.space() + "'");
        root.out().println("  " + entry.describe());
      }
      return Main.EXIT_OK;
    }

    private static String origin(String url) {
      try {
        URI uri = new URI(url);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw CliException.usage("invalid JWKS URL '" + url + "': it needs a scheme and a host");
        }
        return uri.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + uri.getHost()
            + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
      } catch (URISyntaxException e) {
        throw CliException.usage("invalid JWKS URL '" + url + "': " + e.getReason());
      }
    }
  }

  /** An issuer needs an audience, or the explicit opt-out; both at once make no sense. */
  static void requireAudienceChoice(List<String> audiences, boolean anyAudience) {
    if (audiences.isEmpty() && !anyAudience) {
      throw CliException.usage(
          "an issuer needs an audience: give --audience AUD (the 'aud' your IdP puts in tokens for"
              + " this API), or --any-audience to accept tokens it minted for any client (its"
              + " other clients' tokens and ID tokens too)");
    }
    if (!audiences.isEmpty() && anyAudience) {
      throw CliException.usage("give --audience or --any-audience, not both");
    }
  }

  static void list(GatehouseCommand root, SpaceConfig config) {
    if (config.issuers().isEmpty()) {
      root.out()
          .println(
              "No JWT issuers in "
                  + root.target(config)
                  + ". Add one with: gatehouse jwks URL --issuer ISS");
      return;
    }
    root.out().println("JWT issuers in " + root.target(config) + ":");
    for (SpaceConfig.Issuer issuer : config.issuers()) {
      root.out().println("  " + issuer.describe());
    }
  }

  @Command(
      name = "jwt-secret",
      mixinStandardHelpOptions = true,
      description = {
        "Trust HS256/384/512 JWTs signed with a shared secret (at least 256 bits).",
        "The secret is kept in the store: protect the store like the secret itself."
      })
  static final class JwtSecret implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @ArgGroup(exclusive = true, multiplicity = "1")
    @SuppressWarnings("NullAway.Init") // set by picocli (multiplicity 1)
    Source source;

    /** Where the secret comes from. */
    static final class Source {
      @Option(names = "--generate", description = "Generate a random secret and print it once")
      boolean generate;

      @Option(
          names = "--from-file",
          paramLabel = "FILE",
          description = {
            "Read the secret from FILE: its bytes as they are (text, one trailing newline"
                + " dropped), as most IdPs use it; with --base64 or --base64url, decoded"
          })
      @Nullable Path file;
    }

    @Option(
        names = "--base64",
        description = "The file holds the secret base64-encoded (standard alphabet): decode it")
    boolean base64;

    @Option(
        names = "--base64url",
        description = "The file holds the secret base64url-encoded: decode it")
    boolean base64url;

    @Option(
        names = "--audience",
        split = ",",
        paramLabel = "AUD",
        description = "Required: accept only tokens whose 'aud' names one of these")
    List<String> audiences = new ArrayList<>();

    @Option(
        names = "--any-audience",
        description = "Instead of --audience: accept tokens minted for any audience")
    boolean anyAudience;

    @Option(
        names = "--issuer",
        paramLabel = "ISS",
        description = "The exact 'iss' of the tokens. Default: gatehouse")
    String issuer = "gatehouse";

    @Option(
        names = "--alg",
        paramLabel = "ALG",
        description = "HS256, HS384 or HS512. Default: HS256")
    String algorithm = "HS256";

    @Override
    public Integer call() {
      String alg = algorithm.toUpperCase(Locale.ROOT);
      requireAudienceChoice(audiences, anyAudience);
      if (base64 && base64url) {
        throw CliException.usage("give --base64 or --base64url, not both");
      }
      if (source.generate && (base64 || base64url)) {
        throw CliException.usage("--base64 and --base64url describe a --from-file secret");
      }
      byte[] key;
      String form;
      if (source.generate) {
        key = new byte[alg.equals("HS512") ? 64 : alg.equals("HS384") ? 48 : 32];
        RANDOM.nextBytes(key);
        form = "generated";
      } else {
        Path file = java.util.Objects.requireNonNull(source.file, "picocli sets one");
        key = read(file, base64, base64url);
        form =
            base64 ? "base64-decoded" : base64url ? "base64url-decoded" : "the file's text bytes";
      }
      SpaceConfig.Issuer entry =
          SpaceConfig.Issuer.hmac(issuer, key, audiences, anyAudience, List.of(alg));
      try (Management management = root.management()) {
        SpaceConfig config = management.setIssuer(entry);
        if (source.generate) {
          root.out().println("Generated secret (base64url; copy it now, it is not shown again):");
          root.out().println(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        }
        root.out()
            .println(
                "Set "
                    + alg
                    + " secret for issuer '"
                    + issuer
                    + "' to space '"
                    + config.space()
                    + "'");
        root.out()
            .println(
                "  secret: "
                    + java.util.Objects.requireNonNull(entry.secretInfo()).describe()
                    + " ("
                    + form
                    + ")");
        String warning = entry.warning();
        if (warning != null) {
          root.out().println("  WARNING: " + warning);
        }
      }
      return Main.EXIT_OK;
    }

    /**
     * The key bytes in {@code file}: as they are, minus one trailing newline (most IdPs use the
     * secret's text as the key), or decoded when asked. Guessing would be wrong for every text
     * secret that happens to look like base64.
     */
    private static byte[] read(Path file, boolean base64, boolean base64url) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw CliException.usage("cannot read secret file " + file + ": " + e.getMessage());
      }
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\n') {
        length--;
        if (length > 0 && bytes[length - 1] == '\r') {
          length--;
        }
      }
      byte[] content = java.util.Arrays.copyOf(bytes, length);
      if (!base64 && !base64url) {
        return content;
      }
      String text = new String(content, StandardCharsets.US_ASCII).strip();
      try {
        return base64 ? Base64.getDecoder().decode(text) : Base64.getUrlDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(
            "secret file "
                + file
                + " is not "
                + (base64 ? "base64 (try --base64url)" : "base64url (try --base64)")
                + " text: "
                + e.getMessage());
      }
    }
  }

  /**
   * The shape {@code whitelist} and {@code denylist} share: add entries, {@code --remove} them, or
   * list them; each subclass names its list and the operations that change it.
   */
  abstract static class AddressListCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(
        arity = "0..*",
        paramLabel = "IP|CIDR",
        description = "e.g. 203.0.113.7 10.0.0.0/8 2001:db8::/32")
    List<String> cidrs = new ArrayList<>();

    @Option(
        names = "--remove",
        paramLabel = "IP|CIDR",
        description = "Remove this entry (repeatable)")
    List<String> remove = new ArrayList<>();

    /** "allowlist" or "denylist". */
    abstract String listName();

    /** "Allowed" or "Denied". */
    abstract String addedVerb();

    abstract List<String> entries(SpaceConfig config);

    abstract SpaceConfig add(Management management, List<String> adding);

    abstract SpaceConfig removeFrom(Management management, List<String> removing);

    /** One line on what the list now means. */
    abstract String summary(SpaceConfig config);

    @Override
    public Integer call() {
      if (!cidrs.isEmpty() && !remove.isEmpty()) {
        throw CliException.usage("add entries or --remove them, not both at once");
      }
      List<String> adding = SpaceConfig.normalise(cidrs);
      List<String> removing = SpaceConfig.normalise(remove);
      try (Management management = root.management()) {
        if (!removing.isEmpty()) {
          SpaceConfig config = removeFrom(management, removing);
          root.out()
              .println(
                  "Removed "
                      + String.join(", ", removing)
                      + " from the "
                      + listName()
                      + " of "
                      + root.target(config));
          root.out().println(summary(config));
        } else if (!adding.isEmpty()) {
          SpaceConfig config = add(management, adding);
          root.out()
              .println(
                  addedVerb() + " " + String.join(", ", adding) + " in " + root.target(config));
          root.out().println(summary(config));
        } else {
          SpaceConfig config = management.settings();
          List<String> entries = entries(config);
          if (entries.isEmpty()) {
            root.out().println(summary(config));
          } else {
            String title =
                listName().substring(0, 1).toUpperCase(Locale.ROOT) + listName().substring(1);
            root.out().println(title + " of " + root.target(config) + ":");
            entries.forEach(cidr -> root.out().println("  " + cidr));
          }
        }
      }
      return Main.EXIT_OK;
    }
  }

  @Command(
      name = "whitelist",
      mixinStandardHelpOptions = true,
      description = {
        "Allow only these addresses or CIDR blocks to call the API (IPv4 and IPv6).",
        "Without arguments, lists the allowlist. Parsing is strict: no DNS, no host bits."
      })
  static final class Whitelist extends AddressListCommand {
    @Override
    String listName() {
      return "allowlist";
    }

    @Override
    String addedVerb() {
      return "Allowed";
    }

    @Override
    List<String> entries(SpaceConfig config) {
      return config.allow();
    }

    @Override
    SpaceConfig add(Management management, List<String> adding) {
      return management.allow(adding);
    }

    @Override
    SpaceConfig removeFrom(Management management, List<String> removing) {
      return management.removeAllowed(removing);
    }

    @Override
    String summary(SpaceConfig config) {
      return config.allow().isEmpty()
          ? "No allowlist in " + root.target(config) + ": every address may call the API."
          : "Only the " + config.allow().size() + " allowlisted entries may call the API.";
    }
  }

  @Command(
      name = "denylist",
      mixinStandardHelpOptions = true,
      description = {
        "Refuse these addresses or CIDR blocks (IPv4 and IPv6) with 403 address_denied.",
        "A denied address is refused even when an allowlist entry covers it. Without arguments,"
            + " lists the denylist. Parsing is strict: no DNS, no host bits."
      })
  static final class Denylist extends AddressListCommand {
    @Override
    String listName() {
      return "denylist";
    }

    @Override
    String addedVerb() {
      return "Denied";
    }

    @Override
    List<String> entries(SpaceConfig config) {
      return config.deny();
    }

    @Override
    SpaceConfig add(Management management, List<String> adding) {
      return management.deny(adding);
    }

    @Override
    SpaceConfig removeFrom(Management management, List<String> removing) {
      return management.removeDenied(removing);
    }

    @Override
    String summary(SpaceConfig config) {
      return config.deny().isEmpty()
          ? "No denylist in " + root.target(config) + ": no address is refused by one."
          : "The "
              + config.deny().size()
              + " denylisted entries are refused, whatever the allowlist says.";
    }
  }

  @Command(
      name = "trust-proxy",
      mixinStandardHelpOptions = true,
      description = {
        "Trust proxies in front of the API: by address (CIDR), by hop count, or both.",
        "The client address is then read from X-Forwarded-For, right to left. CIDRs add to the"
            + " stored ones; --hops sets the count and keeps the CIDRs: with both, the header counts"
            + " only from a peer in the CIDRs and N hops are walked. Without arguments, shows the"
            + " setting."
      })
  static final class TrustProxy implements Callable<Integer> {
    /** Printed whenever a hop count stands without CIDRs. */
    static final String ANY_PEER_WARNING =
        "Warning: a hop count without proxy CIDRs believes X-Forwarded-For from any peer: a client"
            + " that reaches this port directly chooses its own address (past the allowlist and the"
            + " sign-in throttle). Add the proxies' addresses, e.g. gatehouse trust-proxy --hops N"
            + " 10.0.0.0/8, unless nothing but the proxies can reach the port.";

    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(
        arity = "0..*",
        paramLabel = "CIDR",
        description = "Proxy addresses, e.g. 10.0.0.0/8 (added to the stored ones)")
    List<String> cidrs = new ArrayList<>();

    @Option(
        names = "--hops",
        paramLabel = "N",
        description =
            "Trust exactly N proxies; with CIDRs (given now or stored), only when the socket peer"
                + " is in them")
    @Nullable Integer hops;

    @Option(names = "--none", description = "Trust no proxy: the socket peer is the client")
    boolean none;

    @Override
    public Integer call() {
      if (none && (!cidrs.isEmpty() || hops != null)) {
        throw CliException.usage("--none stands alone: give it without CIDRs or --hops");
      }
      if (hops != null && (hops < 1 || hops > 100)) {
        throw CliException.usage("--hops must be 1-100, was " + hops);
      }
      List<String> adding = SpaceConfig.normalise(cidrs);
      try (Management management = root.management()) {
        SpaceConfig config;
        if (none) {
          config = management.trustProxies(SpaceConfig.Proxies.NONE);
        } else if (!adding.isEmpty() || hops != null) {
          SpaceConfig.Proxies stored = management.settings().proxies();
          List<String> all = new ArrayList<>(stored.cidrs());
          all.addAll(adding);
          config =
              management.trustProxies(
                  new SpaceConfig.Proxies(all, hops != null ? hops : stored.hops()));
        } else {
          config = management.settings();
        }
        root.out()
            .println(
                config.proxies().isNone()
                    ? "Trusting no proxy in "
                        + root.target(config)
                        + ": the socket peer is the client."
                    : "Trusted proxies in "
                        + root.target(config)
                        + ": "
                        + config.proxies().describe());
        if (config.proxies().trustsAnyPeer()) {
          root.out().println(ANY_PEER_WARNING);
        }
      }
      return Main.EXIT_OK;
    }
  }

  private static List<String> upper(List<String> algorithms) {
    return algorithms.stream().map(a -> a.strip().toUpperCase(Locale.ROOT)).toList();
  }
}
