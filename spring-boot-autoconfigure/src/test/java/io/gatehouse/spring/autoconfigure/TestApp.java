package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.AuthHook;
import io.gatehouse.core.HookResult;
import io.gatehouse.core.Identity;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The app under test: configured by properties, with a hook bean and method security. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMethodSecurity
@Import(TestApp.Api.class)
class TestApp {

  /** Denies every request under /api/closed, whoever asks. */
  @Bean
  AuthHook closedHook() {
    return (context, identity) ->
        CompletableFuture.completedFuture(
            context.request().path().startsWith("/api/closed")
                ? HookResult.deny("closed for the test")
                : HookResult.proceed());
  }

  @RestController
  static class Api {
    @GetMapping("/api/hello")
    String hello(Authentication authentication) {
      return "hello " + authentication.getName();
    }

    @GetMapping("/api/me")
    String me(@AuthenticationPrincipal Identity identity, Authentication authentication) {
      return identity.subject()
          + " "
          + authentication.getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .sorted()
              .collect(Collectors.joining(","));
    }

    @PostMapping("/api/deploy")
    @PreAuthorize("hasAuthority('deploy')")
    String deploy() {
      return "deployed";
    }

    @PostMapping("/api/items")
    String create() {
      return "created";
    }

    @GetMapping("/api/closed")
    String closed() {
      return "open";
    }

    @GetMapping("/api/reports")
    String reports() {
      return "reports";
    }
  }
}
