/**
 * The decision pipeline ({@link io.gatehouse.core.Gatehouse}) and its SPI: {@link
 * io.gatehouse.core.AuthRequest}, {@link io.gatehouse.core.Authenticator}, {@link
 * io.gatehouse.core.AuthHook}, {@link io.gatehouse.core.Decision}.
 */
@NullMarked
package io.gatehouse.core;

import org.jspecify.annotations.NullMarked;
