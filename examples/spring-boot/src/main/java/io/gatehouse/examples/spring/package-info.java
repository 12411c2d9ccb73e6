/**
 * A Spring Boot app guarded by Gatehouse from {@code application.properties} alone: the starter
 * opens the store, runs every request through Gatehouse before Spring Security, and hands the
 * identity to Spring Security, so the controller checks a permission with {@code @PreAuthorize}.
 */
@NullMarked
package io.gatehouse.examples.spring;

import org.jspecify.annotations.NullMarked;
