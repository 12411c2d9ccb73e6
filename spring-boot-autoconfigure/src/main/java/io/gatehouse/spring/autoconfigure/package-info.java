/**
 * Spring Boot auto-configuration for Gatehouse: a {@link io.gatehouse.admin.ManagedGatehouse} from
 * {@code gatehouse.*} properties ({@link io.gatehouse.spring.autoconfigure.GatehouseProperties}),
 * its filter before Spring Security, the console at {@code /_admin/}, the Gatehouse identity as the
 * Spring Security {@code Authentication} ({@link
 * io.gatehouse.spring.autoconfigure.GatehouseAuthentication}), an Actuator health contributor and
 * the Micrometer meters. See {@code docs/SPRING-BOOT.md}.
 */
@NullMarked
package io.gatehouse.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
