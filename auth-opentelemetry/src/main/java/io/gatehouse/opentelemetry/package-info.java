/**
 * OpenTelemetry spans for Gatehouse. {@link io.gatehouse.opentelemetry.GatehouseTracing} is an
 * {@code AuthListener}: register it on the pipeline (or {@code ManagedGatehouse}) and each decision
 * becomes a {@code gatehouse.decide} span, child of the request's {@code traceparent} (or of the
 * current span), with one child span per stage of {@code Decision#trace()}, timed from the stage
 * times so that the children tile their parent.
 *
 * <p>Only opentelemetry-api is required: with no SDK installed the API is a no-op, and a decision
 * costs one header read and a no-op span. Attributes never hold a credential: the outcome, the
 * reason code, the authenticator id, the space, the stages' results and their details (which the
 * pipeline already keeps free of secrets); the subject only when {@link
 * io.gatehouse.opentelemetry.GatehouseTracing.Builder#recordSubject} is on.
 */
@org.jspecify.annotations.NullMarked
package io.gatehouse.opentelemetry;
