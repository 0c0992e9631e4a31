package io.llmrelay.server.exchange;

import io.llmrelay.server.http.Route;

/**
 * The rate-limit hook: the {@link Gate} consults it for every request that passed the key check (so
 * the client's address and key name are on the exchange), before the request reaches its endpoint.
 * The limiter decides which routes it counts (probes of {@code /health*} should not be starved).
 *
 * <p>Runs on the exchange's event loop and must not block. It either calls {@code proceed} exactly
 * once — at once, or later from a callback through {@link Exchange#resume(Runnable)} — or answers
 * the exchange itself (a 429 in the caller's shape through {@link Exchange#fail}) and never calls it.
 */
@FunctionalInterface
public interface RequestLimiter {

    /** No limits: every request proceeds at once. */
    RequestLimiter NONE = (exchange, route, proceed) -> proceed.run();

    void admit(Exchange exchange, Route route, Runnable proceed);
}
