package io.gatehouse.proxy;

import io.gatehouse.core.Refusal;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The proxy's own failures, as problem+json in the style of {@link Refusal}. The detail is fixed
 * text: it never names the upstream's address, which is the operator's business, not the caller's.
 */
enum GatewayProblem {
  /** The upstream could not be connected to, or closed before it answered. */
  BAD_GATEWAY(502, "upstream-unreachable", "the upstream could not be reached"),
  /** The upstream did not answer in time. */
  GATEWAY_TIMEOUT(504, "upstream-timeout", "the upstream did not answer in time"),
  /** Every connection to the upstream this loop may open is busy. */
  BUSY(503, "upstream-busy", "every connection to the upstream is busy");

  private final int status;
  private final String code;
  private final String detail;

  GatewayProblem(int status, String code, String detail) {
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  int status() {
    return status;
  }

  /** The response, with {@code Connection: close} when {@code keepAlive} is false. */
  FullHttpResponse response(HttpVersion version, boolean keepAlive) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(this.status);
    StringBuilder json = new StringBuilder(160);
    json.append("{\"type\":\"https://gatehouse.dev/problems/").append(code).append("\",\"title\":");
    Refusal.appendString(json, status.reasonPhrase());
    json.append(",\"status\":").append(status.code()).append(",\"code\":");
    Refusal.appendString(json, code.replace('-', '_'));
    json.append(",\"detail\":");
    Refusal.appendString(json, detail);
    byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, Refusal.PROBLEM_JSON);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }
}
