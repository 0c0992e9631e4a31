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
}
