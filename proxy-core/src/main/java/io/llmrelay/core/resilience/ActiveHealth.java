package io.llmrelay.core.resilience;

import io.llmrelay.core.config.ResilienceConfig;

/**
 * What a backend's active health probes concluded ({@code health.fall}, {@code health.rise}):
 * {@code fall} failed probes in a row mark a healthy backend unhealthy, {@code rise} successful ones
 * in a row mark an unhealthy backend healthy again. Before the first probe the state is
 * {@code unknown}, and routable (nothing says it is down); that first probe decides at once either
 * way, so a backend that is down at start-up is not tried {@code fall} times first.
 *
 * <p>Probes are recorded by one thread at a time (a backend's probe runs on one loop; the lock makes
 * any caller safe); {@link #state()} is a volatile read from any thread.
 */
public final class ActiveHealth {

    /** A backend's health as the probes see it. */
    public enum State {
        UNKNOWN, HEALTHY, UNHEALTHY;

        private final String id = name().toLowerCase(java.util.Locale.ROOT);

        /** {@code unknown}, {@code healthy}, {@code unhealthy} */
        public String id() {
            return id;
        }
    }

    private final int fall;
    private final int rise;
    private volatile State state = State.UNKNOWN;
    /** guarded by this: probes in a row that disagree with {@link #state} */
    private int against;

    public ActiveHealth(ResilienceConfig.Health config) {
        this.fall = config.fall();
        this.rise = config.rise();
    }

    /**
     * Records one probe.
     *
     * @return the state after it
     */
    public synchronized State record(boolean ok) {
        State s = state;
        if (s == State.UNKNOWN) {
            state = ok ? State.HEALTHY : State.UNHEALTHY;
        } else if (ok == (s == State.HEALTHY)) {
            against = 0;
        } else if (++against >= (ok ? rise : fall)) {
            against = 0;
            state = ok ? State.HEALTHY : State.UNHEALTHY;
        }
        return state;
    }

    public State state() {
        return state;
    }

    /** False only when the probes have marked the backend unhealthy. */
    public boolean routable() {
        return state != State.UNHEALTHY;
    }

    /** Probes in a row against the current state (towards {@code fall} or {@code rise}). */
    public synchronized int streak() {
        return against;
    }
}
