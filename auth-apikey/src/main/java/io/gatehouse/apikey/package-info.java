/** API tokens and admin tokens: format, hashing, stores, cache and authenticators. */
@org.jspecify.annotations.NullMarked
package io.gatehouse.apikey;
