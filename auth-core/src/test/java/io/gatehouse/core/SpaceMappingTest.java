package io.gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The space resolvers by host and path, and the known-space check after them. */
class SpaceMappingTest {

  private static AuthRequest host(String... hosts) {
    AuthRequest.Builder builder = AuthRequest.builder();
    for (String host : hosts) {
      builder.header("Host", host);
    }
    return builder.build();
  }

  private static AuthRequest path(String path) {
    return AuthRequest.builder().path(path).build();
  }

  private static Decision decide(Gatehouse gatehouse, AuthRequest request) {
    return gatehouse.decide(request).toCompletableFuture().join();
  }

  @Test
  void fromHostReadsTheFirstDnsLabelAndNeverAnAddress() {
    SpaceResolver resolver = SpaceResolver.fromHost();

    assertThat(resolver.resolve(host("dev.example.com"))).isEqualTo("dev");
    assertThat(resolver.resolve(host("Dev.Example.com:8443"))).isEqualTo("dev");
    assertThat(resolver.resolve(host("prod.example.com."))).isEqualTo("prod");
    assertThat(resolver.resolve(host("localhost:8080"))).isEqualTo("localhost");
    assertThat(resolver.resolve(host("127.0.0.1:8080"))).isNull();
    assertThat(resolver.resolve(host("192.0.2.7"))).isNull();
    assertThat(resolver.resolve(host("[::1]:8080"))).isNull();
    assertThat(resolver.resolve(host())).isNull();
    assertThat(resolver.resolve(host(""))).isNull();
    assertThat(resolver.resolve(host("a.example.com", "b.example.com"))).isNull();
    assertThat(resolver.resolve(host("caf\u00e9.example.com"))).isNull();
    assertThat(resolver.resolve(host("_x.example.com"))).isNull();
  }

  @Test
  void fromPathReadsTheFirstSegmentAndLeavesThePathAlone() {
    SpaceResolver resolver = SpaceResolver.fromPath();

    assertThat(resolver.resolve(path("/dev/items"))).isEqualTo("dev");
    assertThat(resolver.resolve(path("/dev"))).isEqualTo("dev");
    assertThat(resolver.resolve(path("/"))).isNull();
    assertThat(resolver.resolve(path("//dev/items"))).isNull();
    assertThat(resolver.resolve(path("/../x"))).isNull();
    assertThat(resolver.resolve(path("/a b/x"))).isNull();
    assertThat(resolver.resolve(path("/" + "a".repeat(65) + "/x"))).isNull();
    assertThat(resolver.resolve(path("/" + "a".repeat(64) + "/x"))).isEqualTo("a".repeat(64));
    assertThat(resolver.resolve(path("/\u00e9t\u00e9/x"))).isNull();
  }

  @Test
  void eachSpaceSourceReadsItsPartOfTheRequest() {
    AuthRequest request =
        AuthRequest.builder()
            .path("/onpath/items")
            .header("Host", "onhost.example.com")
            .header(SpaceSource.HEADER_NAME, "onheader")
            .build();

    assertThat(SpaceSource.HOST.resolver().resolve(request)).isEqualTo("onhost");
    assertThat(SpaceSource.PATH.resolver().resolve(request)).isEqualTo("onpath");
    assertThat(SpaceSource.HEADER.resolver().resolve(request)).isEqualTo("onheader");
    assertThat(SpaceSource.HEADER.resolver().resolve(path("/onpath/items"))).isNull();
  }

  @Test
  void anUnknownSpaceIsRefusedAtTheSpaceStageWithAPreciseReason() {
    Gatehouse gatehouse =
        Gatehouse.builder()
            .spaceResolver(SpaceResolver.fromPath())
            .knownSpaces(Set.of("dev", "prod")::contains)
            .authenticator(
                TestAuthenticators.fixed("anyone", AuthOutcome.success(PipelineTest.ALICE)))
            .build();

    Decision unknown = decide(gatehouse, path("/staging/items"));
    Decision known = decide(gatehouse, path("/prod/items"));
    Decision invalid = decide(gatehouse, path("/../items"));

    assertThat(unknown.allowed()).isFalse();
    assertThat(unknown.reason()).isEqualTo(Reason.UNKNOWN_SPACE);
    assertThat(unknown.status()).isEqualTo(403);
    assertThat(unknown.trace()).hasSize(1);
    assertThat(unknown.trace().get(0).stage()).isEqualTo("space");
    assertThat(unknown.trace().get(0).detail()).endsWith("no space 'staging' in this store");
    assertThat(known.trace().get(0).result()).isEqualTo(Step.Result.PASS);
    assertThat(known.space()).isEqualTo("prod");
    assertThat(known.reason()).isNotEqualTo(Reason.UNKNOWN_SPACE);
    assertThat(invalid.reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void aSpaceCheckMayAnswerUnavailable() {
    Gatehouse gatehouse =
        Gatehouse.builder()
            .spaceCheck(
                (space, settings) ->
                    SpaceCheck.unavailable("the settings of space '" + space + "' are unreadable"))
            .build();

    Decision decision = decide(gatehouse, path("/x"));

    assertThat(decision.status()).isEqualTo(503);
    assertThat(decision.reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(decision.trace().get(0).detail()).contains("unreadable");
  }
}
