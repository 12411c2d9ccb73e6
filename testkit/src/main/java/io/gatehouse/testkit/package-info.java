/**
 * Test support shared by the modules' tests: a raw HTTP/1.1 client, a header-token authenticator
 * with an optional delay, the token table both adapters test against, and a clock tests move by
 * hand.
 */
@NullMarked
package io.gatehouse.testkit;

import org.jspecify.annotations.NullMarked;
