/**
 * IP filtering for Gatehouse: {@link io.gatehouse.ipfilter.IpParser}, {@link
 * io.gatehouse.ipfilter.Cidr}, {@link io.gatehouse.ipfilter.IpRules}, {@link
 * io.gatehouse.ipfilter.TrustedProxies} and the pipeline stages in {@link
 * io.gatehouse.ipfilter.IpFilter}.
 */
@NullMarked
package io.gatehouse.ipfilter;

import org.jspecify.annotations.NullMarked;
