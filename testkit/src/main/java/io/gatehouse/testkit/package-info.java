/**
 * Test support shared by the adapters' tests: a raw HTTP/1.1 client, a header-token authenticator
 * with an optional delay, and the token table both adapters test against.
 */
@NullMarked
package io.gatehouse.testkit;

import org.jspecify.annotations.NullMarked;
