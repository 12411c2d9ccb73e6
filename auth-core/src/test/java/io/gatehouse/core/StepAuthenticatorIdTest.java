package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepAuthenticatorIdTest {
  @Test
  void anAuthenticatorsStepNamesItsIdAndNoOtherStageDoes() {
    assertThat(Step.authenticatorStage("apikey")).isEqualTo("authenticator:apikey");
    assertThat(new Step("authenticator:apikey", Step.Result.SUCCESS, "", 1).authenticatorId())
        .isEqualTo("apikey");
    assertThat(Step.authenticatorId("authenticator:")).isEmpty();
    assertThat(new Step("hook:audit", Step.Result.CONTINUE, "", 1).authenticatorId()).isNull();
    assertThat(Step.authenticatorId("access")).isNull();
    assertThat(Step.authenticatorId("xauthenticator:apikey")).isNull();
  }

  @Test
  void thePipelineNamesItsAuthenticatorStepsTheSameWay() {
    Gatehouse gatehouse =
        Gatehouse.builder()
            .authenticator(
                new Authenticator() {
                  @Override
                  public String id() {
                    return "nobody";
                  }

                  @Override
                  public java.util.concurrent.CompletionStage<AuthOutcome> authenticate(
                      AuthContext context) {
                    return java.util.concurrent.CompletableFuture.completedFuture(
                        AuthOutcome.abstain());
                  }
                })
            .build();
    Decision decision =
        gatehouse
            .decide(AuthRequest.builder().method("GET").path("/").build())
            .toCompletableFuture()
            .join();
    assertThat(decision.trace())
        .extracting(Step::authenticatorId)
        .filteredOn(java.util.Objects::nonNull)
        .containsExactly("nobody");
  }
}
