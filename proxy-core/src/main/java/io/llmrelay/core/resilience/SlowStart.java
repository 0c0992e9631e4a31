package io.llmrelay.core.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One backend's slow start ({@code health.slow_start}): after it recovers (up again, its breaker
 * closed, its ejection or hold-off over) its share of requests ramps linearly from
 * {@link #FIRST_SHARE} to all of it over the window, so a backend that has just come back (cold
 * caches, a model still loading) is not handed its full load at once.
 *
 * <p>The balancer reads {@link #share()} through {@code Balanced.share()}: {@code BackendGroup.select}
 * lets a chosen backend through with that probability (else the strategy chooses again without it),
 * and the load-aware strategies count its requests in flight as {@code inFlight / share}.
 *
 * <p>A ramp may be set to start in the future (when an ejection or a hold-off will end): until then the
 * share is {@link #FIRST_SHARE}. A second recovery during a ramp restarts it from the later start.
 *
 * <p>Thread-safe, lock-free; when no ramp is set, {@link #share()} reads one volatile field, no
 * clock, and allocates nothing.
 */
public final class SlowStart {

    /** The share at the start of a ramp. */
    public static final double FIRST_SHARE = 0.1;

    private static final long IDLE = Long.MIN_VALUE;

    private final long windowNanos;
    private final LongSupplier nanoClock;
    /** when the current ramp starts, on the nano clock; {@link #IDLE} when there is none */
    private final AtomicLong start = new AtomicLong(IDLE);

    /** @param window the ramp's length; zero: no slow start */
    public SlowStart(Duration window, LongSupplier nanoClock) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Starts a ramp now. */
    public void begin() {
        beginAt(nanoClock.getAsLong());
    }

    /** Starts a ramp at {@code startNanos} (on the nano clock), or keeps the current one if it starts later. */
    public void beginAt(long startNanos) {
        if (windowNanos <= 0) {
            return;
        }
        start.accumulateAndGet(startNanos, (current, next) -> current == IDLE || next - current > 0 ? next : current);
    }

    /** The backend's share of selections now: in [{@link #FIRST_SHARE}, 1], 1 when it is not ramping. */
    public double share() {
        return start.get() == IDLE ? 1.0 : share(nanoClock.getAsLong());
    }

    /** {@link #share()} at {@code now}. */
    public double share(long now) {
        long s = start.get();
        if (s == IDLE) {
            return 1.0;
        }
        long elapsed = now - s;
        if (elapsed >= windowNanos) {
            start.compareAndSet(s, IDLE);
            return 1.0;
        }
        if (elapsed <= 0) {
            return FIRST_SHARE;
        }
        return FIRST_SHARE + (1 - FIRST_SHARE) * ((double) elapsed / windowNanos);
    }

    /** True while a ramp is set and not over. */
    public boolean ramping() {
        return share() < 1.0;
    }

    @Override
    public String toString() {
        double share = share();
        return share < 1.0 ? "slow start at " + Math.round(share * 100) + " %" : "full share";
    }
}
