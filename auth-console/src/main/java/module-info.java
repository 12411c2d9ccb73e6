/**
 * The Gatehouse admin web console: {@link io.gatehouse.console.AdminConsole} serves a small static
 * UI from this jar, exchanges an admin token for a short-lived session cookie, and gives the admin
 * API an authenticator that accepts those sessions (with a CSRF token on every state change).
 */
module io.gatehouse.console {
  requires transitive io.gatehouse.core;
  requires transitive jakarta.servlet;
  requires io.gatehouse.servlet;
  requires transitive io.gatehouse.apikey;
  requires java.net.http;
  requires org.jose4j;
  requires org.slf4j;

  exports io.gatehouse.console;
}
