/**
 * Runnable examples on {@link io.gatehouse.admin.ManagedGatehouse}: {@link
 * io.gatehouse.examples.JettyServletExample} (with the console), {@link
 * io.gatehouse.examples.NettyExample} and a custom hook, {@link
 * io.gatehouse.examples.OfficeHoursHook}.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.examples;
