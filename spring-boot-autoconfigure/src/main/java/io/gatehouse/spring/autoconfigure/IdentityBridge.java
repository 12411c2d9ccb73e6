package io.gatehouse.spring.autoconfigure;

import io.gatehouse.core.Identity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Hands the identity of a request Gatehouse allowed to a framework (Spring Security). */
interface IdentityBridge {
  void allowed(Identity identity, HttpServletRequest request, HttpServletResponse response);
}
