package io.llmrelay.core.resilience;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Passive outlier detection for one backend ({@code outlier:}), from live traffic:
 * {@code consecutive_errors} attempts in a row that ended unreachable, timed out, with a 5xx other
 * than 503, or broken eject the backend for {@code base_ejection × n}, at most {@code max_ejection},
 * where {@code n} counts its ejections so far. An {@code OK} or a {@code REJECTED} answer (the backend
 * answered) ends the run; 429 and 503 ({@code OVERLOADED}: busy, not broken; the breaker and the
 * hold-off deal with them) and {@code CANCELLED} leave it alone, as do failures of attempts that were
 * under way when the backend was ejected.
 *
 * <p><b>Decay.</b> {@code n} goes down by one for every {@code max_ejection} the backend spends
 * without being ejected after its last ejection ended (worked out when it is next ejected), so a
 * backend that failed once long ago starts again from {@code base_ejection}, while one that keeps
 * failing waits longer each time.
 *
 * <p>This class says whether the backend is ejected; whether a model's group honours it (never more
 * than {@code max_ejected_percent} of its backends at once) is {@link GroupHealth}'s rule.
 *
 * <p>Thread-safe and lock-free. The ejection is an immutable value swapped by compare-and-set, made
 * when an ejection starts or ends; {@link #ejected()} on a backend that is not ejected reads one
 * volatile field and allocates nothing.
 */
public final class OutlierEjection {

    /**
     * @param active an ejection is in force (until {@code until}, unless found over)
     * @param number its number in the fleet's order of ejections; 0 before the first
     * @param until when the last ejection ends (or ended), on the nano clock
     * @param level ejections so far, after decay, counting the last one
     */
    private record Ejection(boolean active, long number, long until, int level) {}

    private static final Ejection NEVER = new Ejection(false, 0, 0, 0);

    private final int threshold;
    private final long baseNanos;
    private final long maxNanos;
    private final LongSupplier nanoClock;
    private final EjectionLedger ledger;
    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    private final AtomicReference<Ejection> ejection = new AtomicReference<>(NEVER);

    OutlierEjection(ResilienceConfig.Outlier config, EjectionLedger ledger, LongSupplier nanoClock) {
        this.threshold = config.consecutiveErrors();
        this.baseNanos = config.baseEjection().toNanos();
        this.maxNanos = config.maxEjection().toNanos();
        this.ledger = ledger;
        this.nanoClock = nanoClock;
    }

    /** True when {@code outcome} counts towards an ejection. */
    static boolean counts(AttemptOutcome outcome) {
        return switch (outcome) {
            case UNREACHABLE, TIMEOUT, SERVER_ERROR, BROKEN -> true;
            case OK, REJECTED, CANCELLED, OVERLOADED -> false;
        };
    }

    /**
     * Counts one attempt's outcome.
     *
     * @return true when this outcome ejected the backend (then {@link #endsAt()} says until when)
     */
    public boolean record(AttemptOutcome outcome) {
        if (counts(outcome)) {
            if (ejected()) {
                return false; // under way when it was ejected: already accounted for
            }
            return consecutiveErrors.incrementAndGet() >= threshold && eject();
        }
        if ((outcome == AttemptOutcome.OK || outcome == AttemptOutcome.REJECTED) && consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
        return false;
    }

    /** True while an ejection is in force; notes the end of one that is over. */
    public boolean ejected() {
        return number() != 0;
    }

    /** The number of the ejection in force (for the group's earliest-first rule), or 0 when there is none. */
    long number() {
        return ejection.get().active ? number(nanoClock.getAsLong()) : 0;
    }

    /** {@link #number()} at {@code now}. */
    long number(long now) {
        Ejection e = ejection.get();
        if (!e.active) {
            return 0;
        }
        if (now - e.until >= 0) {
            if (ejection.compareAndSet(e, new Ejection(false, e.number, e.until, e.level))) {
                ledger.ejectionEnded();
            }
            return 0;
        }
        return e.number;
    }

    /** When the current (or last) ejection ends (ended), on the nano clock. */
    public long endsAt() {
        return ejection.get().until;
    }

    /** What is left of the ejection in force; 0 when there is none. */
    public long remainingNanos() {
        Ejection e = ejection.get();
        return e.active ? Math.max(0, e.until - nanoClock.getAsLong()) : 0;
    }

    /** Ejections so far, after decay, counting the current one (what the next ejection's length grows from). */
    public int level() {
        return ejection.get().level;
    }

    /** Counted errors in a row. */
    public int consecutiveErrors() {
        return consecutiveErrors.get();
    }

    private boolean eject() {
        while (true) {
            Ejection last = ejection.get();
            long now = nanoClock.getAsLong();
            if (last.active && now - last.until < 0) {
                return false; // another thread ejected it first
            }
            int level = decayed(last, now) + 1;
            long length = Math.min(maxNanos, baseNanos * level);
            Ejection next = new Ejection(true, ledger.nextEjection(), now + length, level);
            if (ejection.compareAndSet(last, next)) {
                if (last.active) {
                    ledger.ejectionEnded(); // the one it replaces was over, but nobody had noticed yet
                }
                consecutiveErrors.set(0);
                return true;
            }
        }
    }

    /** The level after the time since the last ejection ended: one less per {@code max_ejection}. */
    private int decayed(Ejection last, long now) {
        if (last.level == 0) {
            return 0;
        }
        long steps = Math.max(0, now - last.until) / Math.max(1, maxNanos);
        return (int) Math.max(0, last.level - steps);
    }

    @Override
    public String toString() {
        long left = remainingNanos();
        return left > 0 ? "ejected for " + NanoText.of(left) + " (ejection " + level() + ")" : "not ejected";
    }
}
