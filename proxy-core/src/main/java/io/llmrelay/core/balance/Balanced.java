package io.llmrelay.core.balance;

import io.llmrelay.core.config.BackendOptions;

/**
 * A backend as the balancers see it, so they need nothing of the server's classes. A group reads
 * {@link #name()} and {@link #options()} once, when it is built; {@link #stats()} is the one object
 * shared by every group the backend is a member of.
 */
public interface Balanced {

    /** Unique in the fleet: the sticky hash is taken over it, so a pin survives a restart. */
    String name();

    /** Its {@code priority}, {@code weight} and {@code max_concurrency}. */
    BackendOptions options();

    BackendStats stats();

    /**
     * This backend's share of selections now, in (0, 1]: below 1 while it ramps up after recovering
     * (slow start). {@link BackendGroup#select} lets the chosen backend through with this probability
     * (else the strategy chooses again without it, unless nothing else can serve), and the load-aware
     * strategies count its requests in flight as {@code inFlight / share}. Asked only of a backend the
     * caller's {@code excluded} has just let through in the same selection, so it may answer as of that
     * check; it must be cheap (a volatile read, no clock).
     */
    default double share() {
        return 1.0;
    }

    /**
     * Asked once a selection has chosen this backend and taken its slot: false gives the slot back and
     * passes the backend over for this selection (its breaker's one half-open trial is taken by another
     * request, say). A true answer may be a reservation that the attempt's outcome settles. Must be
     * cheap and must not block.
     */
    default boolean admit() {
        return true;
    }
}
