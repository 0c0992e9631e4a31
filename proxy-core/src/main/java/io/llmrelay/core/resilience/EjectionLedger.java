package io.llmrelay.core.resilience;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fleet's ejections share: a sequence that numbers them in the order they happened (the
 * group cap keeps the earliest), and a version that moves whenever any ejection starts or ends, so a
 * {@link GroupHealth} knows when the ejections it counted are out of date. Thread-safe.
 */
final class EjectionLedger {

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong version = new AtomicLong();

    /** The number of a new ejection: positive, increasing. */
    long nextEjection() {
        version.incrementAndGet();
        return sequence.incrementAndGet();
    }

    void ejectionEnded() {
        version.incrementAndGet();
    }

    long version() {
        return version.get();
    }
}
