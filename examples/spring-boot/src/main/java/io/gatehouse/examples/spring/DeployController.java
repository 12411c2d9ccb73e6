package io.gatehouse.examples.spring;

import io.gatehouse.core.Identity;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every request here was allowed by Gatehouse (a read-only token only for GET); the deploy endpoint
 * also needs the {@code deploy} permission of an admin token.
 */
@RestController
@RequestMapping("/api")
public class DeployController {

  @GetMapping("/items")
  public List<String> items() {
    return List.of("alpha", "beta");
  }

  /** Who Gatehouse says the caller is, and what Spring Security makes of it. */
  @GetMapping("/whoami")
  public Map<String, Object> whoami(
      @AuthenticationPrincipal Identity identity, Authentication authentication) {
    return Map.of(
        "subject", identity.subject(),
        "space", identity.space(),
        "authorities",
            authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .sorted()
                .toList());
  }

  @PostMapping("/deploy")
  @PreAuthorize("hasAuthority('deploy')")
  public Map<String, String> deploy(Authentication authentication) {
    return Map.of("deployed", "by " + authentication.getName());
  }
}
