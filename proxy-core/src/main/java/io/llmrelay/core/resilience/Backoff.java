package io.llmrelay.core.resilience;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The pause before a retry: exponential with full jitter ({@code retry.backoff} is the base). Before
 * retry {@code k} (1 = the second attempt) the pause is drawn uniformly from
 * {@code [0, min(cap, base × 2^(k-1))]}, so retries of many requests that failed together spread out
 * instead of arriving together. Thread-safe (the random source must be), allocation-free.
 */
public final class Backoff {

    /** The cap {@link #of} uses unless the base is longer. */
    public static final Duration DEFAULT_CAP = Duration.ofSeconds(1);

    private static final LongUnaryOperator THREAD_LOCAL_RANDOM = bound -> ThreadLocalRandom.current().nextLong(bound);

    private final long baseNanos;
    private final long capNanos;
    private final LongUnaryOperator randomBelow;

    /** @param randomBelow {@code bound -> a random long in [0, bound)}, thread-safe (tests pin it) */
    public Backoff(Duration base, Duration cap, LongUnaryOperator randomBelow) {
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 <= base <= cap, not " + base + " and " + cap);
        }
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.randomBelow = randomBelow;
    }

    /** From {@code retry.backoff}, capped at the longer of it and {@link #DEFAULT_CAP}. */
    public static Backoff of(Duration base) {
        return new Backoff(base, base.compareTo(DEFAULT_CAP) > 0 ? base : DEFAULT_CAP, THREAD_LOCAL_RANDOM);
    }

    /** The longest pause before retry {@code retry}: {@code min(cap, base × 2^(retry-1))}. */
    public long ceilingNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, not " + retry);
        }
        int shift = retry - 1;
        if (baseNanos == 0) {
            return 0;
        }
        return shift >= Long.numberOfLeadingZeros(baseNanos) - 1 ? capNanos : Math.min(capNanos, baseNanos << shift);
    }

    /** A pause before retry {@code retry} (1 = the second attempt), in nanoseconds. */
    public long nanosBefore(int retry) {
        long ceiling = ceilingNanos(retry);
        return ceiling == 0 ? 0 : randomBelow.applyAsLong(ceiling + 1);
    }
}
