/**
 * Runnable examples: {@link io.gatehouse.examples.JettyServletExample}, {@link
 * io.gatehouse.examples.NettyExample} and a custom hook, {@link
 * io.gatehouse.examples.OfficeHoursHook}.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.examples;
