package io.gatehouse.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Reason;
import io.gatehouse.testkit.MutableClock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An imported token is presented without its id, so an instance recognises it as revoked during an
 * outage only by its hash. The feed carries the id alone (a hash on it could be read by any
 * database role), so an instance that never cached the token reads the revoked record by id when
 * the revocation arrives, and remembers its hash keys.
 */
class UncachedImportedRevocationTest {
  private static final String UUID = "7f1d9c3e-5b2a-4c8e-9f0a-1b2c3d4e5f60";

  private final MutableClock clock = new MutableClock();
  private final TokenStore shared = TokenStores.inMemory(); // one store, one feed, two instances
  private final CountingStore storeOfB = new CountingStore(shared);
  private final ManualExecutor ioOfB = new ManualExecutor();
  private ApiKeys a;
  private ApiKeys b;

  @AfterEach
  void close() {
    storeOfB.down = false;
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private Decision decide(Gatehouse gatehouse, String token) throws Exception {
    CompletableFuture<Decision> decision =
        gatehouse
            .decide(AuthRequest.builder().header("x-apikey", token).build())
            .toCompletableFuture();
    ioOfB.runAll();
    return decision.get(5, TimeUnit.SECONDS);
  }

  @Test
  void anInstanceThatNeverCachedARevokedImportedTokenRefusesItAsRevokedDuringAnOutage()
      throws Exception {
    a = ApiKeys.builder(new CountingStore(shared)).clock(clock).build();
    b = ApiKeys.builder(storeOfB).clock(clock).ioExecutor(ioOfB).build();
    Gatehouse onB = Gatehouse.builder().clock(clock).authenticator(b.authenticator()).build();
    TokenInfo imported = a.importToken(UUID, NewToken.apiToken("default").build());
    String otherForeign = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    a.importToken(otherForeign, NewToken.apiToken("default").build());

    a.revoke(imported.id()); // B has never seen either token
    ioOfB.runAll(); // B's background read of the revoked record

    storeOfB.down = true;
    Decision revoked = decide(onB, UUID);
    assertThat(revoked.reason()).as(revoked.explain()).isEqualTo(Reason.REVOKED);
    assertThat(revoked.status()).isEqualTo(401);
    Decision notRevoked = decide(onB, otherForeign);
    assertThat(notRevoked.reason()).as("not revoked: no way to tell").isEqualTo(Reason.UNAVAILABLE);
  }
}
