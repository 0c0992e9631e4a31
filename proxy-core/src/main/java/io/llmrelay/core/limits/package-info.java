/**
 * Rate limits without sockets (issue 13): what {@code limits:} configures, checked per request from
 * every event loop at once, on an injected nano clock.
 *
 * <ul>
 *   <li>{@link io.llmrelay.core.limits.Limiter}: the facade. {@code check(clientIp, key)} applies the
 *       key's limits, then the address's, then the global ones, and answers a
 *       {@link io.llmrelay.core.limits.Decision}: allowed with a {@link io.llmrelay.core.limits.Permit}
 *       (release it when the answer ends; charge the answer's tokens), or refused by a
 *       {@link io.llmrelay.core.limits.Limit} with the numbers of the 429's headers.</li>
 *   <li>The pieces: {@code RequestBucket} (GCRA: one atomic number per bucket),
 *       {@code ConcurrencyCap}, {@code TokenBucket} (tokens per minute, charged after the answer, debt
 *       allowed), combined per subject by {@code LimitState}, kept per address and per key by the
 *       bounded, swept {@code LimitStates}.</li>
 *   <li>{@link io.llmrelay.core.limits.LimitCounters}: refusals by limit, for
 *       {@code llm_relay_rate_limited_total{limit}}.</li>
 * </ul>
 *
 * <p>Limits shared by several replicas through Redis are the server's ({@code io.llmrelay.server.limits}):
 * the same algorithm in a script, with this package's limiter as its fallback.
 */
package io.llmrelay.core.limits;
