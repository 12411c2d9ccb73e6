/** JWT bearer authentication against JWKS URLs and HMAC secrets, with rotation-safe caches. */
@org.jspecify.annotations.NullMarked
package io.gatehouse.jwks;
