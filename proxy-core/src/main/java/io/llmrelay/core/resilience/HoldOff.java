package io.llmrelay.core.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A backend held off after it said when to come back: a 429 or 503 with {@code Retry-After}
 * ({@link RetryAfter} reads the header). Until then it is not routable. A later hold extends the
 * current one, never shortens it (answers can arrive out of order); every hold is capped at
 * {@link #MAX}, so a backend's typo cannot take it out for a day.
 *
 * <p>Thread-safe and lock-free; {@link #held()} reads one volatile field (and the clock only while a
 * hold is set), allocating nothing.
 */
public final class HoldOff {

    /** The longest hold one answer can ask for. */
    public static final Duration MAX = Duration.ofMinutes(5);

    private static final long MAX_NANOS = MAX.toNanos();
    /** no hold set (a clock value of exactly this is taken as "none": harmless) */
    private static final long NONE = Long.MIN_VALUE;

    private final LongSupplier nanoClock;
    private final AtomicLong until = new AtomicLong(NONE);

    public HoldOff(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Holds the backend off for {@code nanos} from now (capped at {@link #MAX}) unless it is already held
     * for longer.
     *
     * @return when the hold ends, on the nano clock (the later of the current and the new one); the
     *     current end when {@code nanos} is not positive
     */
    public long holdFor(long nanos) {
        long now = nanoClock.getAsLong();
        if (nanos <= 0) {
            return until.get() == NONE ? now : until.get();
        }
        long end = now + Math.min(nanos, MAX_NANOS);
        return until.accumulateAndGet(end, (current, next) -> current == NONE || next - current > 0 ? next : current);
    }

    /** True while a hold lasts. */
    public boolean held() {
        return until.get() != NONE && held(nanoClock.getAsLong());
    }

    /** True while a hold lasts at {@code now} (the nano clock's reading); clears a hold that is over. */
    public boolean held(long now) {
        long u = until.get();
        if (u == NONE) {
            return false;
        }
        if (now - u >= 0) {
            until.compareAndSet(u, NONE);
            return false;
        }
        return true;
    }

    /** What is left of the hold; 0 when there is none. */
    public long remainingNanos() {
        long u = until.get();
        return u == NONE ? 0 : Math.max(0, u - nanoClock.getAsLong());
    }

    @Override
    public String toString() {
        long left = remainingNanos();
        return left == 0 ? "not held" : "held off for " + NanoText.of(left);
    }
}
