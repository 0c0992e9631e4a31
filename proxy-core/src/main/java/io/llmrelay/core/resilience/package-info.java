/**
 * How the fleet keeps answering while backends fail, without sockets: each piece is a small
 * thread-safe state machine on an injected nano clock, called from every event loop at once.
 *
 * <ul>
 *   <li>Per backend ({@link io.llmrelay.core.resilience.BackendResilience} combines them into one
 *       "routable now?" and a reason): {@link io.llmrelay.core.resilience.ActiveHealth} (probes, fall
 *       and rise), {@link io.llmrelay.core.resilience.CircuitBreaker},
 *       {@link io.llmrelay.core.resilience.HoldOff} ({@code Retry-After}, read by
 *       {@link io.llmrelay.core.resilience.RetryAfter}),
 *       {@link io.llmrelay.core.resilience.OutlierEjection}, and
 *       {@link io.llmrelay.core.resilience.SlowStart} after any recovery.</li>
 *   <li>Per model group: {@link io.llmrelay.core.resilience.GroupHealth} (never more than
 *       {@code max_ejected_percent} ejected at once).</li>
 *   <li>Per fleet: {@link io.llmrelay.core.resilience.FleetResilience} (makes the others) and
 *       {@link io.llmrelay.core.resilience.Failover}: {@link io.llmrelay.core.resilience.RetryPolicy}
 *       over {@link io.llmrelay.core.resilience.FailureKind}s, the
 *       {@link io.llmrelay.core.resilience.RetryBudget} and the
 *       {@link io.llmrelay.core.resilience.Backoff}.</li>
 * </ul>
 *
 * <p>The input vocabulary is {@link io.llmrelay.core.balance.AttemptOutcome}; slow start and the
 * half-open trial reach the balancers through {@link io.llmrelay.core.balance.Balanced#share()} and
 * {@link io.llmrelay.core.balance.Balanced#admit()}.
 */
package io.llmrelay.core.resilience;
