package io.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.SpaceResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Issue 11 item 1 as a property: whatever sequence of management calls an attacker makes with an
 * admin token, and then with every token those calls hand back (created or rotated secrets), no
 * token it ends up holding carries a permission the first token lacked. Each try runs in a space of
 * its own, beside the operator's stronger tokens it may try to rotate or revoke.
 */
class AdminEscalationProperties {
  static final List<String> UNIVERSE =
      List.of(AdminRules.MANAGE, AdminRules.TOKENS, AdminRules.SETTINGS, "deploy", "backup");

  static AdminStore store;
  static final AtomicInteger SPACES = new AtomicInteger();

  @BeforeContainer
  static void open() {
    store =
        AdminStore.builder("jdbc:h2:mem:escalation;DB_CLOSE_DELAY=-1")
            .pollInterval(Duration.ofSeconds(1))
            .open();
  }

  @AfterContainer
  static void close() {
    store.close();
  }

  /** One call: who makes it (an index into the tokens the attacker holds), what, on what. */
  sealed interface Step permits Mint, Rotate, Revoke {}

  record Mint(int actor, Set<String> permissions, boolean admin) implements Step {}

  record Rotate(int actor, int target, boolean grace) implements Step {}

  record Revoke(int actor, int target) implements Step {}

  @Property(tries = 100)
  void noSequenceOfCallsGrantsAPermissionTheCallerLacks(
      @ForAll("permissionSets") Set<String> start, @ForAll("steps") List<Step> steps) {
    String space = "p" + SPACES.incrementAndGet();
    Management operator = management(space, Caller.operator());
    List<String> held = new ArrayList<>(); // token texts the attacker knows
    held.add(operator.createToken(admin(start)).token());
    List<String> everyId = new ArrayList<>(); // every token of the space, the operator's too
    for (Set<String> strong :
        List.of(Set.of(AdminRules.MANAGE), Set.of("deploy", "backup"), Set.of(AdminRules.TOKENS))) {
      everyId.add(operator.createToken(admin(strong)).info().id());
    }
    everyId.add(
        operator
            .createToken(new Management.TokenRequest(false, false, "api", null, List.of(), null))
            .info()
            .id());
    Gatehouse adminTokens =
        Gatehouse.builder()
            .spaceResolver(SpaceResolver.fixed(space))
            .authenticator(store.keys().adminAuthenticator())
            .build();

    for (Step step : steps) {
      Identity actor = identity(adminTokens, held.get(actorIndex(step) % held.size()));
      if (actor == null) {
        continue; // revoked meanwhile: the attacker cannot use it
      }
      Management management = management(space, Caller.of(actor));
      String gained = attempt(management, step, everyId);
      if (gained != null) {
        held.add(gained);
        everyId.add(gained.substring(4, 14)); // the id part of ghk_/gha_ tokens
      }
      for (String token : held) {
        Identity identity = identity(adminTokens, token);
        if (identity != null && !start.contains(AdminRules.MANAGE)) {
          assertThat(start)
              .as("token %s gained after %s", identity.credentialId(), step)
              .containsAll(identity.permissions());
        }
      }
    }
  }

  /** Runs one call; the secret it hands back, if any. Refusals are expected and change nothing. */
  private static @Nullable String attempt(Management management, Step step, List<String> ids) {
    try {
      if (step instanceof Mint mint) {
        Management.TokenRequest request =
            mint.admin()
                ? admin(mint.permissions())
                : new Management.TokenRequest(false, false, "m", null, List.of(), null);
        return management.createToken(request).token();
      } else if (step instanceof Rotate rotate) {
        String id = ids.get(rotate.target() % ids.size());
        return management.rotate(id, rotate.grace() ? Duration.ofHours(1) : Duration.ZERO).token();
      } else if (step instanceof Revoke revoke) {
        var unused = management.revoke(ids.get(revoke.target() % ids.size()));
      }
    } catch (AdminException | IllegalStateException e) {
      // refused, not found, or already revoked
    }
    return null;
  }

  private static int actorIndex(Step step) {
    if (step instanceof Mint mint) {
      return mint.actor();
    } else if (step instanceof Rotate rotate) {
      return rotate.actor();
    }
    return ((Revoke) step).actor();
  }

  private static Management.TokenRequest admin(Set<String> permissions) {
    return new Management.TokenRequest(
        true, false, "t", null, new ArrayList<>(new HashSet<>(permissions)), null);
  }

  private static Management management(String space, Caller caller) {
    return store.management(
        space,
        caller,
        request -> {
          throw new UnsupportedOperationException("no dry runs here");
        });
  }

  /** The identity the real admin-token authenticator gives this token, or null if refused. */
  private static @Nullable Identity identity(Gatehouse gatehouse, String token) {
    Decision decision =
        gatehouse
            .decide(
                AuthRequest.builder()
                    .method("GET")
                    .path("/_admin/api/tokens")
                    .header("Authorization", "Bearer " + token)
                    .remoteAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000))
                    .build())
            .toCompletableFuture()
            .join();
    Identity identity = decision.identity();
    return decision.allowed() && identity != null && identity.access() == Access.ADMIN
        ? identity
        : null;
  }

  @Provide
  Arbitrary<Set<String>> permissionSets() {
    return Arbitraries.of(UNIVERSE).set().ofMaxSize(3);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 20);
    Arbitrary<Step> mint =
        Combinators.combine(index, permissionSets(), Arbitraries.of(true, true, false))
            .as(Mint::new);
    Arbitrary<Step> rotate =
        Combinators.combine(index, index, Arbitraries.of(true, false)).as(Rotate::new);
    Arbitrary<Step> revoke = Combinators.combine(index, index).as(Revoke::new);
    return Arbitraries.oneOf(mint, rotate, revoke).list().ofMinSize(1).ofMaxSize(12);
  }
}
