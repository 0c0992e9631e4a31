package io.llmrelay.core.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Keeps retries to a share of requests ({@code retry.budget_percent}) over a sliding window, so a
 * dying fleet is not stormed by its own retries: over the last {@link #WINDOW}, retries may number at
 * most {@code budget_percent} of the requests started, or the floor of {@link #MIN_PER_SECOND} per
 * second over the window, whichever is more (so a quiet proxy can still fail over). Linkerd's and
 * Finagle's retry budgets work the same way, with the same defaults.
 *
 * <p>The window is a ring of one-second buckets, each a word holding the bucket's second (high 32
 * bits) and its count (low 32 bits), so a bucket is reset and counted by one compare-and-set: lock-free
 * and allocation-free. {@link #tryRetry()} is strict: concurrent callers never take more than the
 * budget between them (but for the instant a bucket turns over).
 */
public final class RetryBudget {

    /** How far back requests and retries count. */
    public static final Duration WINDOW = Duration.ofSeconds(10);
    /** Retries allowed per second of the window whatever the share. */
    public static final int MIN_PER_SECOND = 10;

    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final int percent;
    private final long bucketNanos;
    private final int buckets;
    private final long floor;
    private final LongSupplier nanoClock;
    /** buckets count from here, so a clock that wraps around does not jump */
    private final long origin;
    private final AtomicLongArray requests;
    private final AtomicLongArray retries;

    /**
     * @param percent retries as a share of requests, 0 to 100
     * @param window how far back to count, in whole {@code bucket}s
     * @param minPerSecond retries per second allowed whatever the share
     */
    public RetryBudget(int percent, Duration window, Duration bucket, int minPerSecond, LongSupplier nanoClock) {
        if (percent < 0 || percent > 100 || minPerSecond < 0) {
            throw new IllegalArgumentException("a retry budget needs 0 <= percent <= 100 and minPerSecond >= 0");
        }
        this.bucketNanos = bucket.toNanos();
        long n = window.toNanos() / bucketNanos;
        if (bucketNanos <= 0 || n < 1 || n > 1024 || window.toNanos() % bucketNanos != 0) {
            throw new IllegalArgumentException("a retry budget's window must be 1 to 1024 whole buckets");
        }
        this.percent = percent;
        this.buckets = (int) n;
        this.floor = (long) Math.ceil(minPerSecond * (window.toNanos() / 1e9));
        this.nanoClock = nanoClock;
        this.origin = nanoClock.getAsLong();
        this.requests = new AtomicLongArray(buckets);
        this.retries = new AtomicLongArray(buckets);
    }

    /** {@code budget_percent} of requests over {@link #WINDOW} in one-second buckets, floor {@link #MIN_PER_SECOND}. */
    public static RetryBudget of(int percent, LongSupplier nanoClock) {
        return new RetryBudget(percent, WINDOW, Duration.ofSeconds(1), MIN_PER_SECOND, nanoClock);
    }

    /** Counts a request (its first attempt; a retry is not a request). */
    public void requestStarted() {
        add(requests, second(nanoClock.getAsLong()));
    }

    /**
     * Takes one retry from the budget when there is one left.
     *
     * @return false when retries over the window already reach the budget: do not retry
     */
    public boolean tryRetry() {
        long second = second(nanoClock.getAsLong());
        long allowed = Math.max(floor, sum(requests, second) * percent / 100);
        int i = index(second);
        while (true) {
            long word = retries.get(i);
            boolean current = current(word, second);
            long here = current ? word & COUNT_MASK : 0;
            long elsewhere = sum(retries, second) - (inWindow(word, second) ? word & COUNT_MASK : 0);
            if (elsewhere + here + 1 > allowed) {
                return false;
            }
            if (retries.compareAndSet(i, word, current ? word + 1 : pack(second, 1))) {
                return true;
            }
        }
    }

    /** Requests counted over the window. */
    public long requests() {
        return sum(requests, second(nanoClock.getAsLong()));
    }

    /** Retries taken over the window. */
    public long retries() {
        return sum(retries, second(nanoClock.getAsLong()));
    }

    /** Retries the budget allows over the window now. */
    public long allowed() {
        return Math.max(floor, requests() * percent / 100);
    }

    private void add(AtomicLongArray counts, long second) {
        int i = index(second);
        while (true) {
            long word = counts.get(i);
            long next = current(word, second) ? word + 1 : pack(second, 1);
            if (counts.compareAndSet(i, word, next)) {
                return;
            }
        }
    }

    /** The counts of the buckets that are within the window at {@code second}. */
    private long sum(AtomicLongArray counts, long second) {
        long total = 0;
        for (int i = 0; i < buckets; i++) {
            long word = counts.get(i);
            if (inWindow(word, second)) {
                total += word & COUNT_MASK;
            }
        }
        return total;
    }

    /** True when the bucket in {@code word} counts {@code second} (else it holds a second a window ago, or none). */
    private static boolean current(long word, long second) {
        return epoch(word) == epochOf(second);
    }

    /** True when the bucket in {@code word} lies within the window that ends at {@code second}. */
    private boolean inWindow(long word, long second) {
        return ((epochOf(second) - epoch(word)) & COUNT_MASK) < buckets;
    }

    /** The bucket number of a clock reading. */
    private long second(long nanos) {
        return Math.floorDiv(nanos - origin, bucketNanos);
    }

    private int index(long second) {
        return (int) Math.floorMod(second, (long) buckets);
    }

    private static long epochOf(long second) {
        return second & COUNT_MASK;
    }

    private static long epoch(long word) {
        return word >>> 32;
    }

    private static long pack(long second, long count) {
        return epochOf(second) << 32 | count;
    }
}
