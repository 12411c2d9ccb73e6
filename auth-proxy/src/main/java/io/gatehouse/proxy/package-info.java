/**
 * A reverse proxy that decides every request with Gatehouse before an HTTP upstream sees it. Start
 * with {@link io.gatehouse.proxy.GatehouseProxy#builder}.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.proxy;
