/**
 * The {@code gatehouse} command: manages API tokens, admin tokens, JWKS issuers, HS secrets, IP
 * allowlists, denylists and trusted proxies on an embedded H2 or a shared PostgreSQL store, lists
 * and verifies the audit log ({@code audit}), runs a dry-run {@code check}, and serves a demo API
 * (Jetty + auth-servlet) that picks up every change within two seconds. Entry point: {@link
 * io.gatehouse.cli.Main}.
 */
@NullMarked
package io.gatehouse.cli;

import org.jspecify.annotations.NullMarked;
