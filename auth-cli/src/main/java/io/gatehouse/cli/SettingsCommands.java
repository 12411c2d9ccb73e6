package io.gatehouse.cli;

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

/** The space settings commands: jwks, jwt-secret, whitelist, trust-proxy. */
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
        description = "Accept only tokens whose 'aud' names one of these")
    List<String> audiences = new ArrayList<>();

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
        String iss = issuer != null ? issuer : origin(url);
        SpaceConfig.Issuer entry =
            new SpaceConfig.Issuer(iss, url, null, audiences, upper(algorithms));
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
          description = "Read the secret from FILE, as base64 or base64url text")
      @Nullable Path file;
    }

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
      String secret;
      if (source.generate) {
        int bytes = alg.equals("HS512") ? 64 : alg.equals("HS384") ? 48 : 32;
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      } else {
        secret = read(java.util.Objects.requireNonNull(source.file, "picocli sets one"));
      }
      SpaceConfig.Issuer entry =
          new SpaceConfig.Issuer(issuer, null, secret, List.of(), List.of(alg));
      try (Management management = root.management()) {
        SpaceConfig config = management.setIssuer(entry);
        if (source.generate) {
          root.out().println("Generated secret (base64url; copy it now, it is not shown again):");
          root.out().println(secret);
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
      }
      return Main.EXIT_OK;
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw CliException.usage("cannot read secret file " + file + ": " + e.getMessage());
      }
    }
  }

  @Command(
      name = "whitelist",
      mixinStandardHelpOptions = true,
      description = {
        "Allow only these addresses or CIDR blocks to call the API (IPv4 and IPv6).",
        "Without arguments, lists the allowlist. Parsing is strict: no DNS, no host bits."
      })
  static final class Whitelist implements Callable<Integer> {
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

    @Override
    public Integer call() {
      if (!cidrs.isEmpty() && !remove.isEmpty()) {
        throw CliException.usage("add entries or --remove them, not both at once");
      }
      List<String> adding = SpaceConfig.normalise(cidrs);
      List<String> removing = SpaceConfig.normalise(remove);
      try (Management management = root.management()) {
        if (!removing.isEmpty()) {
          SpaceConfig config = management.removeAllowed(removing);
          root.out()
              .println(
                  "Removed "
                      + String.join(", ", removing)
                      + " from the allowlist of "
                      + root.target(config));
          summary(config);
        } else if (!adding.isEmpty()) {
          SpaceConfig config = management.allow(adding);
          root.out().println("Allowed " + String.join(", ", adding) + " in " + root.target(config));
          summary(config);
        } else {
          SpaceConfig config = management.settings();
          if (config.allow().isEmpty()) {
            summary(config);
          } else {
            root.out().println("Allowlist of " + root.target(config) + ":");
            config.allow().forEach(cidr -> root.out().println("  " + cidr));
          }
        }
      }
      return Main.EXIT_OK;
    }

    private void summary(SpaceConfig config) {
      root.out()
          .println(
              config.allow().isEmpty()
                  ? "No allowlist in " + root.target(config) + ": every address may call the API."
                  : "Only the " + config.allow().size() + " allowlisted entries may call the API.");
    }
  }

  @Command(
      name = "trust-proxy",
      mixinStandardHelpOptions = true,
      description = {
        "Trust proxies in front of the API: by address (CIDR) or by hop count.",
        "The client address is then read from X-Forwarded-For, right to left. Without arguments,"
            + " shows the setting."
      })
  static final class TrustProxy implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // set by picocli
    @ParentCommand
    GatehouseCommand root;

    @Parameters(
        arity = "0..*",
        paramLabel = "CIDR",
        description = "Proxy addresses, e.g. 10.0.0.0/8")
    List<String> cidrs = new ArrayList<>();

    @Option(
        names = "--hops",
        paramLabel = "N",
        description = "Trust exactly N proxies, whatever their address")
    @Nullable Integer hops;

    @Option(names = "--none", description = "Trust no proxy: the socket peer is the client")
    boolean none;

    @Override
    public Integer call() {
      int modes = (cidrs.isEmpty() ? 0 : 1) + (hops == null ? 0 : 1) + (none ? 1 : 0);
      if (modes > 1) {
        throw CliException.usage("give proxy CIDRs, --hops N or --none: only one of them");
      }
      if (hops != null && (hops < 1 || hops > 100)) {
        throw CliException.usage("--hops must be 1-100, was " + hops);
      }
      List<String> adding = SpaceConfig.normalise(cidrs);
      SpaceConfig.Proxies requested =
          hops != null ? new SpaceConfig.Proxies(List.of(), hops) : SpaceConfig.Proxies.NONE;
      try (Management management = root.management()) {
        SpaceConfig config;
        if (!adding.isEmpty()) {
          List<String> all = new ArrayList<>(management.settings().proxies().cidrs());
          all.addAll(adding);
          config = management.trustProxies(new SpaceConfig.Proxies(all, 0));
        } else if (modes == 1) {
          config = management.trustProxies(requested);
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
      }
      return Main.EXIT_OK;
    }
  }

  private static List<String> upper(List<String> algorithms) {
    return algorithms.stream().map(a -> a.strip().toUpperCase(Locale.ROOT)).toList();
  }
}
