/**
 * A Jakarta Servlet 6 {@link jakarta.servlet.Filter} that decides every request with a {@link
 * io.gatehouse.core.Gatehouse}, inline when the decision is already complete and asynchronously
 * otherwise. Start with {@link io.gatehouse.servlet.GatehouseFilter#builder}.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.servlet;
