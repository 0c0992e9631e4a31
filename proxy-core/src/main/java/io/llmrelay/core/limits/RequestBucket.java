package io.llmrelay.core.limits;

import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A request-rate limit as GCRA (the generic cell rate algorithm): a token bucket of {@code size}
 * requests refilled at {@code rps}, kept as one number, the <em>theoretical arrival time</em>: the
 * moment the bucket would be full again if nothing else came. Its distance from now is the backlog;
 * a request adds one emission interval ({@code 1/rps}) to it and passes while the backlog stays
 * within {@code size} intervals.
 *
 * <p>Lock-free and allocation-free: one volatile read and one compare-and-set per {@link #take}.
 * Times are {@link System#nanoTime()} readings, compared by subtraction (wrap-around safe).
 */
final class RequestBucket {

    private static final AtomicLongFieldUpdater<RequestBucket> TAT =
            AtomicLongFieldUpdater.newUpdater(RequestBucket.class, "tat");

    private final int size;
    /** nanoseconds per request: the refill of one request */
    private final long interval;
    /** the largest backlog that still passes: {@code size} intervals */
    private final long capacity;
    private volatile long tat;

    RequestBucket(int rps, int size, long now) {
        if (rps <= 0 || size <= 0) {
            throw new IllegalArgumentException("rps and size must be positive: " + rps + ", " + size);
        }
        this.size = size;
        this.interval = Math.max(1, Seconds.NANOS / rps);
        this.capacity = size * interval;
        this.tat = now;
    }

    /**
     * Takes one request. A result of 0 or more: it passed, and that is the backlog left (nanoseconds
     * until the bucket is full again; see {@link #remaining}). Below 0: refused, and minus the
     * nanoseconds until one request would pass; nothing was taken.
     */
    long take(long now) {
        for (;;) {
            long t = tat;
            long next = (t - now > 0 ? t : now) + interval;
            long backlog = next - now;
            if (backlog > capacity) {
                return -(backlog - capacity);
            }
            if (TAT.compareAndSet(this, t, next)) {
                return backlog;
            }
        }
    }

    /** Gives back one request {@link #take} let through (a later limit of the same check refused). */
    void giveBack() {
        TAT.addAndGet(this, -interval);
    }

    /** True when the bucket is full: forgetting it changes nothing. */
    boolean full(long now) {
        return tat - now <= 0;
    }

    int size() {
        return size;
    }

    /** Requests that would pass at once with {@code backlog} left ({@link #take}'s answer). */
    long remaining(long backlog) {
        return Math.max(0, (capacity - backlog) / interval);
    }

    /** Whole seconds until the bucket is full again with {@code backlog} left. */
    static long resetSeconds(long backlog) {
        return Seconds.ceil(backlog);
    }

    /** The backlog now of a bucket that refused with {@code wait} (minus {@link #take}'s answer). */
    long backlogOfRefusal(long wait) {
        return wait + capacity - interval;
    }
}
