package io.llmrelay.core.limits;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Requests being answered at once, at most {@code max}. Taking a slot is a compare-and-set that never
 * overshoots (a refused taker leaves the count as it was); each slot taken is given back once, by the
 * request's {@link Permit}. With {@link #UNCAPPED} it only counts (so a key's state with a request
 * out is never taken for idle and forgotten).
 */
final class ConcurrencyCap {

    static final int UNCAPPED = Integer.MAX_VALUE;

    private static final AtomicIntegerFieldUpdater<ConcurrencyCap> IN_FLIGHT =
            AtomicIntegerFieldUpdater.newUpdater(ConcurrencyCap.class, "inFlight");

    private final int max;
    private volatile int inFlight;

    ConcurrencyCap(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        this.max = max;
    }

    boolean tryTake() {
        for (;;) {
            int n = inFlight;
            if (n >= max) {
                return false;
            }
            if (IN_FLIGHT.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    void giveBack() {
        IN_FLIGHT.decrementAndGet(this);
    }

    int inFlight() {
        return inFlight;
    }

    int max() {
        return max;
    }

    /** False for a counter without a cap. */
    boolean capped() {
        return max != UNCAPPED;
    }
}
