/**
 * Gatehouse run from a store: {@link io.gatehouse.admin.ManagedGatehouse} (the pipeline, the admin
 * servlet with the console), {@link io.gatehouse.admin.AdminStore} and the {@link
 * io.gatehouse.admin.Management} operations with their rules ({@link
 * io.gatehouse.admin.AdminRules}), and {@link io.gatehouse.admin.AdminClient} for a remote server's
 * admin API.
 */
@NullMarked
package io.gatehouse.admin;

import org.jspecify.annotations.NullMarked;
