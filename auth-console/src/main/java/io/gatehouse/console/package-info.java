/**
 * The admin web console. Start with {@link io.gatehouse.console.AdminConsole#builder}: mount its
 * {@linkplain io.gatehouse.console.AdminConsole#servlet() servlet} under {@code /_admin/*} and put
 * its {@linkplain io.gatehouse.console.AdminConsole#authenticator() authenticator} first in the
 * pipeline that guards the admin API under {@code /_admin/api/*}.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.console;
