package io.gatehouse.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
 * The sample app. Nothing Gatehouse-specific here: the starter reads {@code gatehouse.*} from
 * {@code application.properties}. {@code @EnableMethodSecurity} turns on {@code @PreAuthorize}.
 *
 * <pre>
 * (run this main from an IDE, in the repository root; port 8080)
 * ./gatehouse add-token --name reader            # the CLI, in the same directory: same store
 * ./gatehouse add-admintoken --name ci --ops deploy
 * curl -H 'x-apikey: ghk_...' localhost:8080/api/items
 * curl -X POST -H 'Authorization: Bearer gha_...' localhost:8080/api/deploy
 * </pre>
 */
@SpringBootApplication
@EnableMethodSecurity
public class SampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
