package io.gatehouse.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
 * The sample app. Nothing Gatehouse-specific here: the starter reads {@code gatehouse.*} from
 * {@code application.properties}. {@code @EnableMethodSecurity} turns on {@code @PreAuthorize}.
 *
 * <pre>
 * mvn -q -pl examples/spring-boot -am package -DskipTests
 * java -jar examples/spring-boot/target/examples-spring-boot-0.1.0-SNAPSHOT.jar
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
