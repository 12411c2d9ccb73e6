package io.gatehouse.ipfilter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.Access;
import io.gatehouse.core.AuthOutcome;
import io.gatehouse.core.AuthRequest;
import io.gatehouse.core.Authenticator;
import io.gatehouse.core.Decision;
import io.gatehouse.core.Gatehouse;
import io.gatehouse.core.Identity;
import io.gatehouse.core.Reason;
import io.gatehouse.core.SettingsHolder;
import io.gatehouse.core.SpaceResolver;
import io.gatehouse.core.Step;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The module's stages inside the real pipeline: refusals, traces, rule changes at run time. */
class GatehouseIpFilterTest {
  private final SettingsHolder settings = new SettingsHolder();
  private final Gatehouse gatehouse =
      Gatehouse.builder()
          .settings(settings)
          .clientAddressResolver(IpFilter.clientAddressResolver())
          .addressFilter(IpFilter.addressFilter())
          .authenticator(new Everyone())
          .build();

  GatehouseIpFilterTest() {
    settings.update(
        s ->
            s.with(
                    SpaceResolver.DEFAULT_SPACE,
                    IpFilter.PROXIES,
                    TrustedProxies.builder().trust("10.0.0.0/8").build())
                .with(
                    SpaceResolver.DEFAULT_SPACE,
                    IpFilter.RULES,
                    IpRules.builder().allow("0.0.0.0/0").deny("203.0.113.0/24").build()));
  }

  private Decision decide(String peer, String... forwardedFor) {
    AuthRequest.Builder request =
        AuthRequest.builder().path("/api").remoteAddress(IpAddress.parse(peer).toInetAddress());
    for (String line : forwardedFor) {
      request.header("X-Forwarded-For", line);
    }
    return gatehouse.decide(request.build()).toCompletableFuture().join();
  }

  private static Step step(Decision decision, String stage) {
    return decision.trace().stream().filter(s -> s.stage().equals(stage)).findFirst().orElseThrow();
  }

  @Test
  void aDeniedClientBehindTrustedProxiesGets403WithTheRuleAndTheWalkInTheTrace() {
    Decision decision = decide("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.1");
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.status()).isEqualTo(403);
    assertThat(decision.reason()).isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(decision.clientAddress()).isEqualTo(IpAddress.parse("203.0.113.7").toInetAddress());
    assertThat(step(decision, "client-address").detail())
        .contains(
            "X-Forwarded-For: peer 10.0.0.2 (trusted) <- 10.0.0.1 (trusted) <- 203.0.113.7 (client)");
    assertThat(step(decision, "address-rules").result()).isEqualTo(Step.Result.FAILURE);
    assertThat(step(decision, "address-rules").detail())
        .isEqualTo("address_denied: 203.0.113.7 denied by deny 203.0.113.0/24");
    assertThat(decision.detail()).contains("deny 203.0.113.0/24");
  }

  @Test
  void anAllowedClientPassesAndTheRuleIsTraced() {
    Decision decision = decide("10.0.0.2", "198.51.100.1");
    assertThat(decision.allowed()).as(decision.explain()).isTrue();
    assertThat(step(decision, "address-rules").detail())
        .isEqualTo("198.51.100.1 allowed by allow 0.0.0.0/0");
  }

  @Test
  void aSpoofedHeaderFromAnUntrustedPeerChangesNothing() {
    Decision decision = decide("203.0.113.7", "10.0.0.5");
    assertThat(decision.reason()).isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(decision.clientAddress()).isEqualTo(IpAddress.parse("203.0.113.7").toInetAddress());
  }

  @Test
  void aMalformedHeaderFromATrustedPeerIsRefused() {
    Decision decision = decide("10.0.0.2", "127.1");
    assertThat(decision.status()).isEqualTo(403);
    assertThat(decision.reason()).isEqualTo(Reason.ADDRESS_DENIED);
    assertThat(step(decision, "client-address").detail())
        .contains("malformed X-Forwarded-For: entry 1: '127.1' is not an IP address");
  }

  @Test
  void newRulesApplyToTheNextDecision() {
    assertThat(decide("10.0.0.2", "198.51.100.1").allowed()).isTrue();
    settings.update(
        s ->
            s.with(
                SpaceResolver.DEFAULT_SPACE,
                IpFilter.RULES,
                s.get(SpaceResolver.DEFAULT_SPACE, IpFilter.RULES).toBuilder()
                    .deny("198.51.100.1")
                    .build()));
    Decision decision = decide("10.0.0.2", "198.51.100.1");
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.detail()).contains("denied by deny 198.51.100.1/32");
  }

  /** Authenticates every request, so only the address stages can refuse. */
  private static final class Everyone implements Authenticator {
    @Override
    public String id() {
      return "everyone";
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(io.gatehouse.core.AuthContext context) {
      return AuthOutcome.success(
              Identity.builder("anyone", "test", context.space()).access(Access.READ_WRITE).build())
          .completed();
    }
  }
}
