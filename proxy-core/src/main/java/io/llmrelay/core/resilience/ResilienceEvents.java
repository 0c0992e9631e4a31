package io.llmrelay.core.resilience;

/**
 * What the server may want to log or count when a backend's resilience state changes. Called on the
 * thread that caused the change (any event loop, or the probing loop), once per change; it must not
 * block. Every method does nothing by default.
 */
public interface ResilienceEvents {

    ResilienceEvents NONE = new ResilienceEvents() {};

    /** The probes changed the backend's health. */
    default void healthChanged(String backend, ActiveHealth.State state) {}

    /** The backend's breaker opened, re-opened after a failed trial, or closed after a good one. */
    default void breakerChanged(String backend, CircuitBreaker.Change change, CircuitBreaker.Status status) {}

    /** Outlier detection ejected the backend for {@code nanos}; {@code level}: its ejections so far, after decay. */
    default void ejected(String backend, long nanos, int level) {}

    /** A 429 or 503 with {@code Retry-After} holds the backend off for {@code nanos}. */
    default void heldOff(String backend, long nanos) {}
}
