package io.llmrelay.core.balance;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An exponentially weighted moving average of time to first byte, updated lock-free from any thread.
 *
 * <p>Decay: a sample taken {@code Δt} after the previous one weighs {@code max(MIN_WEIGHT,
 * 1 - e^(-Δt/DECAY))}. A busy backend's average therefore follows its last ten or so samples
 * ({@link #MIN_WEIGHT} = 0.1), and after a quiet spell of {@link #DECAY_NANOS} (10 s) a new sample
 * counts for 63 %: an old average never outweighs fresh evidence about a backend that was idle. Until
 * the first sample the average is <em>cold</em>.
 */
final class FirstByteEwma {

    static final double MIN_WEIGHT = 0.1;
    static final long DECAY_NANOS = 10_000_000_000L;
    /**
     * Below this gap (about 1.05 s) {@code 1 - e^(-Δt/DECAY)} is under {@link #MIN_WEIGHT}: a busy
     * backend's samples take the floor weight without computing the exponential (a percent of a
     * pass-through request's CPU).
     */
    static final long FLOOR_GAP_NANOS = (long) Math.floor(-Math.log1p(-MIN_WEIGHT) * DECAY_NANOS);

    /** The bits of no double that {@link Double#doubleToLongBits} returns: "no sample yet". */
    private static final long COLD = -1L;

    private final LongSupplier nanoClock;
    private final AtomicLong averageBits = new AtomicLong(COLD);
    private final AtomicLong lastSampleAt;

    FirstByteEwma(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastSampleAt = new AtomicLong(nanoClock.getAsLong());
    }

    void record(long sampleNanos) {
        if (sampleNanos < 0) {
            throw new IllegalArgumentException("a time to first byte cannot be negative: " + sampleNanos + " ns");
        }
        long now = nanoClock.getAsLong();
        // each sample takes the gap since the one before it, even when samples race
        long gap = Math.max(0, now - lastSampleAt.getAndSet(now));
        double weight = gap <= FLOOR_GAP_NANOS ? MIN_WEIGHT : Math.max(MIN_WEIGHT, -Math.expm1(-(double) gap / DECAY_NANOS));
        double sample = sampleNanos;
        while (true) {
            long bits = averageBits.get();
            double next = bits == COLD ? sample : Double.longBitsToDouble(bits) * (1 - weight) + sample * weight;
            if (averageBits.compareAndSet(bits, Double.doubleToLongBits(next))) {
                return;
            }
        }
    }

    boolean cold() {
        return averageBits.get() == COLD;
    }

    /** The average in nanoseconds, or {@link Double#NaN} while cold. */
    double nanos() {
        long bits = averageBits.get();
        return bits == COLD ? Double.NaN : Double.longBitsToDouble(bits);
    }
}
