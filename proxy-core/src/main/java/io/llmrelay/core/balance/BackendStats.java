package io.llmrelay.core.balance;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * What the balancers and breakers know about one backend, shared by every event loop and every model
 * the backend serves: requests in flight (with the {@code max_concurrency} cap enforced here), an
 * EWMA of time to first byte, and a count of attempts by outcome. Thread-safe and lock-free.
 */
public final class BackendStats {

    private static final AttemptOutcome[] OUTCOMES = AttemptOutcome.values();

    private final AtomicInteger inFlight = new AtomicInteger();
    private final FirstByteEwma firstByte;
    private final AtomicLongArray outcomes = new AtomicLongArray(OUTCOMES.length);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    public BackendStats() {
        this(System::nanoTime);
    }

    /** @param nanoClock a monotonic clock in nanoseconds (injected so tests control the EWMA's decay) */
    public BackendStats(LongSupplier nanoClock) {
        this.firstByte = new FirstByteEwma(nanoClock);
    }

    /**
     * Takes a slot for one request unless {@code cap} are already in flight (atomically: concurrent
     * callers never take more than {@code cap} slots together).
     *
     * @param cap the most requests in flight; 0 = no cap
     * @return true when the slot was taken: the caller must {@link #release()} it when the attempt ends
     */
    public boolean tryAcquire(int cap) {
        if (cap <= 0) {
            inFlight.incrementAndGet();
            return true;
        }
        while (true) {
            int current = inFlight.get();
            if (current >= cap) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire(int)}; exactly once per slot. */
    public void release() {
        if (inFlight.decrementAndGet() < 0) {
            inFlight.incrementAndGet();
            throw new IllegalStateException("a backend slot was released that was never taken");
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** True when {@code cap} (0 = none) requests are in flight: a hint, {@link #tryAcquire(int)} decides. */
    public boolean atCap(int cap) {
        return cap > 0 && inFlight.get() >= cap;
    }

    /** Feeds the time from sending a request to the backend's first byte into the EWMA ({@link FirstByteEwma}). */
    public void recordFirstByte(long nanos) {
        firstByte.record(nanos);
    }

    /** True until the first time to first byte is recorded. */
    public boolean cold() {
        return firstByte.cold();
    }

    /**
     * The EWMA of time to first byte in nanoseconds, or {@link Double#NaN} while {@link #cold()}. A
     * sample {@code Δt} after the previous one weighs {@code max(0.1, 1 - e^(-Δt/10 s))}.
     */
    public double firstByteEwmaNanos() {
        return firstByte.nanos();
    }

    /** Counts one attempt's outcome; a failure extends the run of consecutive failures, {@code OK} ends it. */
    public void recordOutcome(AttemptOutcome outcome) {
        outcomes.incrementAndGet(outcome.ordinal());
        if (outcome.failure()) {
            consecutiveFailures.incrementAndGet();
        } else if (outcome == AttemptOutcome.OK) {
            consecutiveFailures.set(0);
        }
    }

    /** Attempts that ended with {@code outcome} since start. */
    public long count(AttemptOutcome outcome) {
        return outcomes.get(outcome.ordinal());
    }

    /** Attempts recorded since start, whatever their outcome. */
    public long attempts() {
        long sum = 0;
        for (int i = 0; i < OUTCOMES.length; i++) {
            sum += outcomes.get(i);
        }
        return sum;
    }

    /** Failures since the last {@code OK} (outcomes that are neither, such as {@code CANCELLED}, leave it alone). */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("inFlight=").append(inFlight());
        s.append(", ttfbEwmaMs=").append(cold() ? "cold" : String.format(Locale.ROOT, "%.1f", firstByteEwmaNanos() / 1e6));
        for (AttemptOutcome o : OUTCOMES) {
            long n = count(o);
            if (n > 0) {
                s.append(", ").append(o.name().toLowerCase(Locale.ROOT)).append('=').append(n);
            }
        }
        return s.toString();
    }
}
